// What the SCORM runtime in the package's frame posts to the launch page, and the launch page's strict reading
// of it: the frame runs the package's code, so its messages are untrusted input.
import {
  SCORM_CALLS,
  SCORM_COMPLETION_STATUSES,
  SCORM_LESSON_STATUSES,
  SCORM_SESSION_TIME_MAX_S,
  SCORM_SUCCESS_STATUSES,
  SCORM_VERSIONS,
  type ScormCall,
  type ScormCompletionStatus,
  type ScormLessonStatus,
  type ScormSuccessStatus,
  type ScormVersion,
} from '@coursecast/semconv/browser';

export type { ScormCall, ScormVersion };

/** `type` of every message of the runtime. */
export const SCORM_MESSAGE_TYPE = 'coursecast.scorm';
/** The message format's version (`v`). */
export const SCORM_MESSAGE_V = 1;
/** Longest location (bookmark) a snapshot carries. */
export const SCORM_LOCATION_MAX = 256;

/** The learner's status in the package when it called the API (bounded: no suspend data, no interactions). */
export interface ScormSnapshot {
  version: ScormVersion;
  completionStatus: ScormCompletionStatus;
  successStatus: ScormSuccessStatus;
  /** 1.2 only: cmi.core.lesson_status, snake_cased. */
  lessonStatus?: ScormLessonStatus;
  /** -1..1. */
  scoreScaled?: number;
  /** The session time the package set, s. */
  sessionTimeS?: number;
  /** 1.2 cmi.core.lesson_location or 2004 cmi.location, at most SCORM_LOCATION_MAX characters. */
  location?: string;
}

/** `{ type: 'coursecast.scorm', v: 1, call, snapshot }`. */
export interface ScormMessage {
  type: typeof SCORM_MESSAGE_TYPE;
  v: typeof SCORM_MESSAGE_V;
  call: ScormCall;
  snapshot: ScormSnapshot;
  /** The SCO of a multi-SCO course that called (its manifest item identifier), at most 255 characters. */
  activity?: string;
}

const inSet = <T extends string>(set: Record<string, T>, v: unknown): v is T =>
  typeof v === 'string' && (Object.values(set) as unknown[]).includes(v);
const inRange = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && v >= min && v <= max;

/**
 * Reads a posted message: undefined when it is not the runtime's (another `type`), null when it claims to be
 * but is malformed, else a clean copy (unknown fields dropped). `version` stands in for a snapshot without one.
 */
export function readScormMessage(data: unknown, version?: ScormVersion): ScormMessage | null | undefined {
  // A primitive has no `type` either: anything but an object of the runtime's type is someone else's.
  const m = data as Record<string, unknown> | null | undefined;
  if (m?.type !== SCORM_MESSAGE_TYPE) return undefined;
  const s = m.snapshot as Record<string, unknown> | null;
  if (m.v !== SCORM_MESSAGE_V || !inSet(SCORM_CALLS, m.call) || !s || typeof s !== 'object') return null;
  const snapshot: ScormSnapshot = {
    version: (s.version ?? version) as ScormVersion,
    completionStatus: s.completionStatus as ScormCompletionStatus,
    successStatus: s.successStatus as ScormSuccessStatus,
  };
  if (
    !inSet(SCORM_VERSIONS, snapshot.version) ||
    !inSet(SCORM_COMPLETION_STATUSES, snapshot.completionStatus) ||
    !inSet(SCORM_SUCCESS_STATUSES, snapshot.successStatus)
  ) {
    return null;
  }
  const { lessonStatus: ls, scoreScaled: score, sessionTimeS: time, location: loc } = s;
  if (ls !== undefined && !inSet(SCORM_LESSON_STATUSES, ls)) return null;
  if (score !== undefined && !inRange(score, -1, 1)) return null;
  if (time !== undefined && !inRange(time, 0, SCORM_SESSION_TIME_MAX_S)) return null;
  if (loc !== undefined && (typeof loc !== 'string' || loc.length > SCORM_LOCATION_MAX)) return null;
  if (ls !== undefined) snapshot.lessonStatus = ls;
  if (score !== undefined) snapshot.scoreScaled = score;
  if (time !== undefined) snapshot.sessionTimeS = time;
  if (loc !== undefined) snapshot.location = loc;
  return {
    type: SCORM_MESSAGE_TYPE,
    v: SCORM_MESSAGE_V,
    call: m.call,
    snapshot,
    // A label the launch frame bounds; one that breaks the event's schema costs only its own record.
    ...(typeof m.activity === 'string' && { activity: m.activity }),
  };
}
