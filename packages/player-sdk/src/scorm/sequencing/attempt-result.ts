// What a SCO's attempt ended with, read from its CMI data (RTE 4.2 mapped to SN tracking, SN 4.2): completion,
// the primary objective's satisfaction and measure, the objectives it reported, and whether it suspended.
import type { ObjectiveStatus } from './activity-tree.js';
import type { AttemptResult } from './sequencer.js';

type Read = (element: string) => string | undefined;

/** Most cmi.objectives entries read back: far above what content reports, bounded all the same. */
const MAX_OBJECTIVES = 250;

function scaled(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= -1 && n <= 1 ? n : null;
}

const successOf = (v: string | undefined): boolean | null =>
  v === 'passed' ? true : v === 'failed' ? false : null;

function result2004(read: Read): AttemptResult {
  const completion = read('cmi.completion_status');
  const objectives = new Map<string, ObjectiveStatus>();
  for (let n = 0; n < MAX_OBJECTIVES; n++) {
    const id = read(`cmi.objectives.${n}.id`);
    if (id === undefined) break;
    objectives.set(id, {
      satisfied: successOf(read(`cmi.objectives.${n}.success_status`)),
      measure: scaled(read(`cmi.objectives.${n}.score.scaled`)),
    });
  }
  return {
    // "not attempted" is an attempt that has not completed (SN 4th edition's mapping).
    completed:
      completion === 'completed'
        ? true
        : completion === 'incomplete' || completion === 'not attempted'
          ? false
          : null,
    satisfied: successOf(read('cmi.success_status')),
    measure: scaled(read('cmi.score.scaled')),
    objectives,
    suspend: read('cmi.exit') === 'suspend',
  };
}

/** 1.2's lesson status carries both completion and success; a raw score out of 0-100 stands for the measure. */
function result12(read: Read): AttemptResult {
  const status = read('cmi.core.lesson_status');
  const raw = Number(read('cmi.core.score.raw') ?? NaN);
  const min = Number(read('cmi.core.score.min') || 0);
  const max = Number(read('cmi.core.score.max') || 100);
  const measure =
    Number.isFinite(raw) && max > min ? Math.min(1, Math.max(0, (raw - min) / (max - min))) : null;
  return {
    completed:
      status === 'passed' || status === 'failed' || status === 'completed' || status === 'browsed'
        ? true
        : status === 'incomplete'
          ? false
          : null,
    satisfied: status === 'passed' ? true : status === 'failed' ? false : null,
    measure: read('cmi.core.score.raw') ? measure : null,
    objectives: new Map(),
    suspend: read('cmi.core.exit') === 'suspend',
  };
}

/** The attempt's result from the runtime's values. */
export function attemptResultOf(version: '1.2' | '2004', read: Read): AttemptResult {
  return version === '1.2' ? result12(read) : result2004(read);
}
