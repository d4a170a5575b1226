// The launch frame's judgement of a launch: a SCORM package started when it initialized the API, an HTML5
// package when its document painted; anything short of that by the deadline failed, with the likeliest cause.
// Pure (no DOM, no timers): the launch frame feeds it what it observes.
import { MODULE_LOAD_FAILURES, type ModuleLoadFailure } from '@coursecast/semconv/browser';
import { LAUNCH_MESSAGE_TYPE, PROBLEM_MAX, type LaunchVerdict } from './launch-message.js';

/** Something a package's page reported: a script error, or a resource its policy refused or that failed. */
export interface PageProblem {
  kind: 'script' | 'blocked';
  message: string;
}

/** What the launch frame tells the watch. */
export interface LaunchWatch {
  /** The package read the API object (discovery reached the launch frame). */
  apiRead(): void;
  initialized(): void;
  painted(): void;
  /** The launch document answered an HTTP error. */
  httpError(status: number): void;
  problem(p: PageProblem): void;
  /** The deadline passed: a launch not yet judged fails. */
  timeout(): void;
  readonly verdict: LaunchVerdict | null;
}

const MAX_PROBLEMS = 20;

/** A watch over one launch; `onVerdict` hears its one verdict. */
export function createLaunchWatch(o: { scorm: boolean; onVerdict(v: LaunchVerdict): void }): LaunchWatch {
  let apiRead = false;
  let verdict: LaunchVerdict | null = null;
  const problems: PageProblem[] = [];
  const decide = (outcome: 'success' | 'failed', reason?: ModuleLoadFailure, problem?: string): void => {
    if (verdict) return;
    verdict = { type: LAUNCH_MESSAGE_TYPE, v: 1, outcome };
    if (reason) verdict.reason = reason;
    if (problem) verdict.problem = problem.slice(0, PROBLEM_MAX);
    o.onVerdict(verdict);
  };
  // A refused resource (a CDN script the policy blocked) is usually why the scripts after it broke, and a
  // script error why the API was never looked for: the deepest cause seen is the one named.
  const failure = (): { reason: ModuleLoadFailure; problem?: string } => {
    const blocked = problems.find((p) => p.kind === 'blocked');
    if (blocked) return { reason: MODULE_LOAD_FAILURES.blockedResource, problem: blocked.message };
    const script = problems.find((p) => p.kind === 'script');
    if (script) return { reason: MODULE_LOAD_FAILURES.scriptError, problem: script.message };
    if (!o.scorm) return { reason: MODULE_LOAD_FAILURES.noPaint };
    return { reason: apiRead ? MODULE_LOAD_FAILURES.noInitialize : MODULE_LOAD_FAILURES.apiNotFound };
  };
  return {
    apiRead() {
      apiRead = true;
    },
    initialized() {
      decide('success');
    },
    painted() {
      if (!o.scorm) decide('success');
    },
    httpError(status) {
      decide('failed', MODULE_LOAD_FAILURES.httpError, `the launch document answered HTTP ${status}`);
    },
    problem(p) {
      if (problems.length < MAX_PROBLEMS)
        problems.push({ kind: p.kind, message: p.message.slice(0, PROBLEM_MAX) });
    },
    timeout() {
      const f = failure();
      decide('failed', f.reason, f.problem);
    },
    get verdict() {
      return verdict;
    },
  };
}
