// A multi-SCO course as one attempt at the LMS (the learner's /launch/:itemId/cmi on the content origin): the
// course's rolled-up status and score in the edition's own elements (what the gradebook gets), `cmi.exit` suspend
// while the course can be resumed, the time its SCOs reported, and the state that resumes it, in one element of
// ours: the sequencer's activity state and each suspended SCO's resume data.
import type { Sequencer } from './sequencing/sequencer.js';
import { asSnapshot, type CourseSnapshot } from './sequencing/course-snapshot.js';
import type { ScormVersion } from './scorm-message.js';

/** The element holding a course's state in the attempt's values (the server keeps it like any other). */
export const COURSE_STATE = 'coursecast.course';

/** Resume data by activity id (suspend data and location of SCOs that suspended). */
export type SavedScos = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** A kept course: its sequencing state and its SCOs' resume data. */
export interface CourseRecord {
  snapshot: CourseSnapshot;
  saved: Map<string, Record<string, string>>;
}

const strings = (v: unknown): Record<string, string> =>
  v && typeof v === 'object'
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

const objectOf = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};

/** The course kept in an attempt's restored values, or null when there is none (or it is unreadable). */
export function readCourseRecord(restored: Readonly<Record<string, string>>): CourseRecord | null {
  try {
    const parsed = JSON.parse(restored[COURSE_STATE] ?? 'null') as { s?: unknown; r?: unknown } | null;
    const snapshot = asSnapshot(parsed?.s ?? null);
    if (!snapshot) return null;
    return {
      snapshot,
      saved: new Map(Object.entries(objectOf(parsed?.r)).map(([id, v]) => [id, strings(v)])),
    };
  } catch {
    return null;
  }
}

/** The rolled-up status and score of the course, in the edition's elements. */
function statusValues(version: ScormVersion, seq: Sequencer): Record<string, string> {
  const { completed, attemptCount, objective } = seq.root;
  const measure = objective.measure;
  if (version === '2004') {
    return {
      'cmi.completion_status':
        completed === true ? 'completed' : attemptCount > 0 ? 'incomplete' : 'not attempted',
      'cmi.success_status':
        objective.satisfied === true ? 'passed' : objective.satisfied === false ? 'failed' : 'unknown',
      ...(measure !== null ? { 'cmi.score.scaled': String(measure) } : {}),
    };
  }
  const lesson =
    objective.satisfied === true
      ? 'passed'
      : objective.satisfied === false
        ? 'failed'
        : completed === true
          ? 'completed'
          : attemptCount > 0
            ? 'incomplete'
            : 'not attempted';
  return {
    'cmi.core.lesson_status': lesson,
    ...(measure !== null
      ? {
          'cmi.core.score.raw': String(Math.round(measure * 10_000) / 100),
          'cmi.core.score.min': '0',
          'cmi.core.score.max': '100',
        }
      : {}),
  };
}

/**
 * The attempt's values for the course now: `resumable` says whether the next launch continues it (not ended, or
 * suspended), `sessionSeconds` the SCOs' time since the last finish (sent with a finish only).
 */
export function courseValues(
  version: ScormVersion,
  seq: Sequencer,
  saved: SavedScos,
  resumable: boolean,
  sessionSeconds: number,
): Record<string, string> {
  const values = statusValues(version, seq);
  values[version === '2004' ? 'cmi.exit' : 'cmi.core.exit'] = resumable ? 'suspend' : '';
  if (sessionSeconds > 0) values['cmi.session_time'] = `PT${Math.round(sessionSeconds * 100) / 100}S`;
  values[COURSE_STATE] = JSON.stringify({ s: seq.snapshot(), r: Object.fromEntries(saved) });
  return values;
}
