import type { ScormAttempt } from '../store/index.js';

// What the LMS does with a SCORM attempt's CMI values between sessions (SCORM 1.2 RTE 3.4, SCORM 2004 RTE 4.2):
// which values it keeps and gives back on a resume, the limits it holds them to, how a session's time adds to the
// attempt's total, and what status and score the gradebook gets.

/** The package's edition. */
export type ScormEdition = '1.2' | '2004';

/** Elements the LMS sets itself or that belong to one session: never kept from the package, never restored. */
const LMS_OWNED = new Set([
  'cmi.entry',
  'cmi.total_time',
  'cmi.session_time',
  'cmi.exit',
  'cmi.learner_id',
  'cmi.learner_name',
  'cmi.launch_data',
  'cmi.mode',
  'cmi.credit',
  'cmi.completion_threshold',
  'cmi.scaled_passing_score',
  'cmi.max_time_allowed',
  'cmi.time_limit_action',
  'cmi.core.entry',
  'cmi.core.total_time',
  'cmi.core.session_time',
  'cmi.core.exit',
  'cmi.core.student_id',
  'cmi.core.student_name',
  'cmi.core.credit',
  'cmi.core.lesson_mode',
  'cmi.student_data.mastery_score',
  'cmi.student_data.max_time_allowed',
  'cmi.student_data.time_limit_action',
  'adl.nav.request',
]);

/** The runtime's own limits (player SDK scorm-data): what a package cannot exceed, so a request that does is forged. */
export const CMI_LIMITS = { maxElements: 5000, maxChars: 1_000_000, elementChars: 255 } as const;
/** suspend_data's largest value: SCORM 1.2's 4,096 characters, 2004's 64,000. */
export const SUSPEND_DATA_MAX: Record<ScormEdition, number> = { '1.2': 4096, '2004': 64_000 };
/** The error the API answers a value over its limit with: 1.2's 405 (incorrect data type), 2004's 406. */
export const OVER_LIMIT_ERROR: Record<ScormEdition, string> = { '1.2': '405', '2004': '406' };

/**
 * A CMI element, or the one element of ours: `coursecast.course`, a multi-SCO course's state (its sequencing
 * state and its suspended SCOs' data, kept by the launch frame as the whole course's attempt).
 */
const ELEMENT = /^(?:(?:cmi|adl)\.[A-Za-z0-9_.]+|coursecast\.course)$/;

/** Why `values` cannot be what the runtime sent, or null when they can. */
export function cmiProblem(values: Record<string, string>, edition: ScormEdition): string | null {
  const entries = Object.entries(values);
  if (entries.length > CMI_LIMITS.maxElements) return `more than ${CMI_LIMITS.maxElements} elements`;
  let chars = 0;
  for (const [element, value] of entries) {
    if (element.length > CMI_LIMITS.elementChars || !ELEMENT.test(element))
      return `${element.slice(0, 80)} is not a CMI element`;
    chars += value.length;
  }
  if (chars > CMI_LIMITS.maxChars) return `the values exceed ${CMI_LIMITS.maxChars} characters`;
  const suspend = values['cmi.suspend_data'];
  if (suspend !== undefined && suspend.length > SUSPEND_DATA_MAX[edition])
    return `cmi.suspend_data exceeds SCORM ${edition}'s ${SUSPEND_DATA_MAX[edition]} characters`;
  return null;
}

/** The values an attempt keeps: the package's, without the LMS's own elements. */
export function keptValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([element]) => !LMS_OWNED.has(element)));
}

/** Seconds of a 2004 duration (`PT1H2M3.5S`, `P1DT2H`) or a 1.2 timespan (`HHHH:MM:SS.SS`); 0 when unreadable. */
export function sessionSeconds(value: string | undefined): number {
  if (!value) return 0;
  const span = /^(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)$/.exec(value);
  if (span) return Number(span[1]) * 3600 + Number(span[2]) * 60 + Number(span[3]);
  const iso = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    value,
  );
  if (!iso) return 0;
  const [, y, mo, d, h, mi, s] = iso.map((x) => Number(x ?? 0));
  return (((y! * 365 + mo! * 30 + d!) * 24 + h!) * 60 + mi!) * 60 + s! || 0;
}

/** A total time as the edition writes it. */
export function formatTotalTime(seconds: number, edition: ScormEdition): string {
  if (edition === '2004') return `PT${Math.round(seconds * 100) / 100}S`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds - h * 3600 - m * 60;
  return `${String(h).padStart(4, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(2).padStart(5, '0')}`;
}

/** The status and score the values say (1.2's lesson status mapped onto 2004's completion and success). */
export function statusOf(
  values: Record<string, string>,
  edition: ScormEdition,
): Pick<ScormAttempt, 'completionStatus' | 'successStatus' | 'scoreScaled' | 'exitMode'> {
  if (edition === '2004') {
    const scaled = Number(values['cmi.score.scaled']);
    return {
      completionStatus: values['cmi.completion_status'] ?? 'unknown',
      successStatus: values['cmi.success_status'] ?? 'unknown',
      scoreScaled: values['cmi.score.scaled'] !== undefined && Number.isFinite(scaled) ? scaled : null,
      exitMode: values['cmi.exit'] ?? '',
    };
  }
  const lesson = values['cmi.core.lesson_status'] ?? 'not attempted';
  const raw = Number(values['cmi.core.score.raw']);
  const max = Number(values['cmi.core.score.max'] || 100);
  const hasRaw = values['cmi.core.score.raw'] !== undefined && Number.isFinite(raw) && max > 0;
  return {
    completionStatus: ['completed', 'passed', 'failed'].includes(lesson)
      ? 'completed'
      : lesson === 'not attempted'
        ? 'not attempted'
        : 'incomplete',
    successStatus: lesson === 'passed' || lesson === 'failed' ? lesson : 'unknown',
    scoreScaled: hasRaw ? Math.max(-1, Math.min(1, raw / max)) : null,
    exitMode: values['cmi.core.exit'] ?? '',
  };
}

/** What the next launch starts with: the attempt to continue (suspended) or a new one, and its entry. */
export function nextLaunch(latest: ScormAttempt | null): {
  attempt: number;
  entry: 'ab-initio' | 'resume';
  restored: Record<string, string>;
  totalTimeSeconds: number;
} {
  if (latest && latest.exitMode === 'suspend') {
    return {
      attempt: latest.attempt,
      entry: 'resume',
      restored: latest.cmi,
      totalTimeSeconds: latest.totalTimeSeconds,
    };
  }
  return { attempt: (latest?.attempt ?? 0) + 1, entry: 'ab-initio', restored: {}, totalTimeSeconds: 0 };
}

/** The LMS-owned values a launch starts with: the entry, the total time, the learner's id and name. */
export function launchValues(
  edition: ScormEdition,
  next: ReturnType<typeof nextLaunch>,
  learner: { id: string; name: string | null },
): Record<string, string> {
  const name = learner.name ?? '';
  if (edition === '2004') {
    return {
      'cmi.entry': next.entry,
      'cmi.total_time': formatTotalTime(next.totalTimeSeconds, '2004'),
      'cmi.learner_id': learner.id,
      'cmi.learner_name': name,
    };
  }
  return {
    'cmi.core.entry': next.entry,
    'cmi.core.total_time': formatTotalTime(next.totalTimeSeconds, '1.2'),
    'cmi.core.student_id': learner.id,
    'cmi.core.student_name': name,
  };
}
