// The two SCORM runtime APIs (1.2's `API`, 2004's `API_1484_11`) over an in-memory data model. Pure: no DOM,
// no transport. The frame's script installs them and relays each initialize, commit and finish it reports.
import { SCORM_CALLS, type ScormCall } from '@coursecast/semconv/browser';
import { createCmiStore, type DataModel, type StoreLimits } from './scorm-data.js';
import { ERRORS, type ErrorKind } from './scorm-errors.js';
import type { ScormSnapshot } from './scorm-message.js';
import { scorm12Model, type LearnerInfo } from './scorm12-model.js';
import { scorm2004Model } from './scorm2004-model.js';
import { navigationRefusal, navigationValue, type ScormNavigation } from './scorm-nav.js';

export interface ScormApiOptions extends LearnerInfo, StoreLimits {
  /**
   * Values the LMS gives at launch, by element (`cmi.scaled_passing_score`, `cmi.max_time_allowed`,
   * `cmi.launch_data`, or a resumed attempt's `cmi.entry`, `cmi.total_time`, `cmi.suspend_data`): plain elements
   * only, set before the package runs, read-only ones included.
   */
  initial?: Readonly<Record<string, string>>;
  /**
   * Told of each initialize, commit and finish, with the status then and a reader of any element's current
   * value, access rules aside (undefined when unset); what it throws is ignored.
   */
  onCall?: (call: ScormCall, snapshot: ScormSnapshot, read: (element: string) => string | undefined) => void;
  /** A multi-SCO course's sequencer: answers adl.nav.request_valid and checks request targets (2004). */
  navigation?: ScormNavigation;
  /** Values kept from the attempt's earlier sessions (a resume), arrays included: put back before the package runs. */
  restored?: Readonly<Record<string, string>>;
  /** Told at each commit and finish with every value of the attempt, for the LMS to keep; what it throws is ignored. */
  persist?: (call: ScormCall, values: Record<string, string>) => void;
}

/** SCORM 1.2's API object (`window.API`): every method answers a string, as the spec has it. */
export interface Scorm12Api {
  LMSInitialize(param?: unknown): string;
  LMSFinish(param?: unknown): string;
  LMSGetValue(element?: unknown): string;
  LMSSetValue(element?: unknown, value?: unknown): string;
  LMSCommit(param?: unknown): string;
  LMSGetLastError(): string;
  LMSGetErrorString(code?: unknown): string;
  LMSGetDiagnostic(code?: unknown): string;
}

/** SCORM 2004's API object (`window.API_1484_11`). */
export interface Scorm2004Api {
  Initialize(param?: unknown): string;
  Terminate(param?: unknown): string;
  GetValue(element?: unknown): string;
  SetValue(element?: unknown, value?: unknown): string;
  Commit(param?: unknown): string;
  GetLastError(): string;
  GetErrorString(code?: unknown): string;
  GetDiagnostic(code?: unknown): string;
}

const STATES = { notInitialized: 0, running: 1, terminated: 2 } as const;
type State = (typeof STATES)[keyof typeof STATES];

interface Runtime {
  initialize(param: unknown): string;
  finish(param: unknown): string;
  commit(param: unknown): string;
  getValue(element: unknown): string;
  setValue(element: unknown, value: unknown): string;
  lastError(): string;
  errorString(code: unknown): string;
  diagnostic(code: unknown): string;
}

// The spec's parameter is "", but packages also call LMSInitialize() with none: both are taken.
const empty = (p: unknown) => p === '' || p === undefined;
// An error code as the spec passes it (a string), or as packages do (a number).
const codeOf = (c: unknown): string => (typeof c === 'string' || typeof c === 'number' ? String(c) : '');

/** The state machine shared by both editions: not initialized → running → terminated, one session per launch. */
function createRuntime(model: DataModel, o: ScormApiOptions): Runtime {
  const store = createCmiStore(model, o);
  for (const [element, value] of Object.entries(o.restored ?? {})) store.restore(element, value);
  for (const [element, value] of Object.entries(o.initial ?? {})) store.seed(element, value);
  let state: State = STATES.notInitialized;
  let code = 0;
  let detail = '';
  const fail = (kind: ErrorKind, why = '', answer = 'false'): string => {
    code = model.codes[kind];
    detail = why;
    return answer;
  };
  const ok = (value = 'true'): string => {
    code = 0;
    detail = '';
    return value;
  };
  const report = (call: ScormCall) => {
    try {
      o.onCall?.(call, model.snapshot(store.read), store.read);
    } catch {
      // The relay's trouble is not the package's: its call has succeeded.
    }
    if (call === SCORM_CALLS.initialize) return;
    try {
      o.persist?.(call, store.entries());
    } catch {
      // Keeping the values is the LMS's trouble, never the package's.
    }
  };
  // The error of a call made outside a session, or undefined while running.
  const outside = (before: ErrorKind, after: ErrorKind): ErrorKind | undefined =>
    state === STATES.running ? undefined : state === STATES.notInitialized ? before : after;
  const session = (call: ScormCall, param: unknown, before: ErrorKind, after: ErrorKind): string => {
    const e = outside(before, after);
    if (e) return fail(e);
    if (!empty(param)) return fail(ERRORS.argument, 'the parameter must be ""');
    if (call === SCORM_CALLS.finish) state = STATES.terminated;
    ok();
    report(call);
    return 'true';
  };
  const stringOf = (c: unknown) => model.strings[codeOf(c)] ?? '';

  return {
    initialize(param) {
      if (state === STATES.running) return fail(ERRORS.alreadyInitialized);
      // 2004 forbids it (104); 1.2 has no word for it, and a launch is one session there too.
      if (state === STATES.terminated) return fail(ERRORS.terminated, 'the session has finished');
      if (!empty(param)) return fail(ERRORS.argument, 'the parameter must be ""');
      state = STATES.running;
      ok();
      report(SCORM_CALLS.initialize);
      return 'true';
    },
    finish: (param) => session(SCORM_CALLS.finish, param, ERRORS.finishBeforeInit, ERRORS.finishAfterFinish),
    commit: (param) => session(SCORM_CALLS.commit, param, ERRORS.commitBeforeInit, ERRORS.commitAfterFinish),
    getValue(element) {
      let kind = outside(ERRORS.getBeforeInit, ERRORS.getAfterFinish);
      let value = '';
      if (!kind && (typeof element !== 'string' || element === '')) kind = ERRORS.getFailure;
      const nav = !kind && o.navigation ? navigationValue(element as string, o.navigation) : undefined;
      if (nav !== undefined) return ok(nav);
      if (!kind) [value, kind] = store.get(element as string);
      // GetValue answers "" on an error, never "false".
      if (model.codes[kind] !== 0) return fail(kind, typeof element === 'string' ? element : '', '');
      return ok(value);
    },
    setValue(element, value) {
      const e = outside(ERRORS.setBeforeInit, ERRORS.setAfterFinish);
      if (e) return fail(e);
      if (typeof element !== 'string' || element === '') return fail(ERRORS.setFailure, 'no element name');
      // Packages pass numbers (SetValue("cmi.score.raw", 85)): they mean the number's string.
      const v = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
      if (typeof v !== 'string') return fail(ERRORS.typeMismatch, `${element}: the value must be a string`);
      const refusal = element === 'adl.nav.request' && o.navigation && navigationRefusal(v, o.navigation);
      if (refusal) return fail(ERRORS.typeMismatch, refusal);
      const kind = store.set(element, v);
      return kind === ERRORS.none ? ok() : fail(kind, element);
    },
    lastError: () => String(code),
    errorString: stringOf,
    diagnostic(c) {
      // "" asks about the last error, as does the last error's own code.
      if (!empty(c) && codeOf(c) !== String(code)) return stringOf(c);
      return (detail ? `${stringOf(code)}: ${detail}` : stringOf(code)).slice(0, 255);
    },
  };
}

/** SCORM 1.2's `API` over a fresh data model. */
export function createScorm12Api(options: ScormApiOptions = {}): Scorm12Api {
  const r = createRuntime(scorm12Model(options), options);
  return {
    LMSInitialize: (p) => r.initialize(p),
    LMSFinish: (p) => r.finish(p),
    LMSGetValue: (e) => r.getValue(e),
    LMSSetValue: (e, v) => r.setValue(e, v),
    LMSCommit: (p) => r.commit(p),
    LMSGetLastError: () => r.lastError(),
    LMSGetErrorString: (c) => r.errorString(c),
    LMSGetDiagnostic: (c) => r.diagnostic(c),
  };
}

/** SCORM 2004's `API_1484_11` over a fresh data model. */
export function createScorm2004Api(options: ScormApiOptions = {}): Scorm2004Api {
  const r = createRuntime(scorm2004Model(options), options);
  return {
    Initialize: (p) => r.initialize(p),
    Terminate: (p) => r.finish(p),
    GetValue: (e) => r.getValue(e),
    SetValue: (e, v) => r.setValue(e, v),
    Commit: (p) => r.commit(p),
    GetLastError: () => r.lastError(),
    GetErrorString: (c) => r.errorString(c),
    GetDiagnostic: (c) => r.diagnostic(c),
  };
}
