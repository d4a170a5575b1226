// What the launch frame (on the content origin) tells the learner's page about a launch, and the page's strict
// reading of it. The launch frame shares its origin with the package, whose code can post as it: every
// message is untrusted input, checked here and bounded by the host.
import { MODULE_LOAD_FAILURES, type ModuleLoadFailure } from '@coursecast/semconv/browser';

/** `type` of the launch verdict. */
export const LAUNCH_MESSAGE_TYPE = 'coursecast.launch';
/** Longest problem text carried. */
export const PROBLEM_MAX = 256;

/** Whether the package started: within the timeout it initialized the API (SCORM) or painted (HTML5). */
export interface LaunchVerdict {
  type: typeof LAUNCH_MESSAGE_TYPE;
  v: 1;
  outcome: 'success' | 'failed';
  /** Why it failed; absent on success. */
  reason?: ModuleLoadFailure;
  /** The first problem the package's pages reported (a script error, a refused resource), if any. */
  problem?: string;
}

const FAILURES = Object.values(MODULE_LOAD_FAILURES) as string[];

/** A verdict from posted data: undefined when it is not one (another type), null when malformed. */
export function readLaunchVerdict(data: unknown): LaunchVerdict | null | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  if (m.type !== LAUNCH_MESSAGE_TYPE) return undefined;
  if (m.v !== 1 || (m.outcome !== 'success' && m.outcome !== 'failed')) return null;
  const verdict: LaunchVerdict = { type: LAUNCH_MESSAGE_TYPE, v: 1, outcome: m.outcome };
  if (m.outcome === 'failed') {
    if (typeof m.reason !== 'string' || !FAILURES.includes(m.reason)) return null;
    verdict.reason = m.reason as ModuleLoadFailure;
  }
  if (typeof m.problem === 'string') verdict.problem = m.problem.slice(0, PROBLEM_MAX);
  return verdict;
}
