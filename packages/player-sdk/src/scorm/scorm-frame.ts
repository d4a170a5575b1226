// The SCORM API in the launch frame (ADR 0010): the package's parent on the content origin, where the standard
// discovery walk (from `window.parent` up) finds it. Only the package's edition is offered, as LMSs do, under a
// getter so the launch can tell "never looked for the API" from "found it and never initialized"; a multi-SCO
// course puts a fresh API in the same place for each SCO it delivers (ADR 0011). Each initialize, commit and
// finish is posted to the learner's page, and to its origin only.
import type { ScormCall } from '@coursecast/semconv/browser';
import { createScorm12Api, createScorm2004Api, type ScormApiOptions } from './scorm-api.js';
import {
  SCORM_MESSAGE_TYPE,
  SCORM_MESSAGE_V,
  type ScormMessage,
  type ScormSnapshot,
  type ScormVersion,
} from './scorm-message.js';

interface MessageTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** The parts of the launch frame's window the API uses. */
export interface FrameWindow {
  API?: unknown;
  API_1484_11?: unknown;
  parent: MessageTarget;
}

export interface LaunchApiOptions {
  version: ScormVersion;
  /** The learner's page origin: the only one messages are posted to. */
  appOrigin: string;
  /** CMI values the API starts with (ScormApiOptions.initial). */
  initial?: Readonly<Record<string, string>>;
  /** A resumed attempt's kept values (ScormApiOptions.restored). */
  restored?: Readonly<Record<string, string>>;
  /** Told at each commit and finish with the attempt's values (ScormApiOptions.persist). */
  persist?: ScormApiOptions['persist'];
  /** The package read the API object. */
  onApiRead?: () => void;
  /** After each call is posted. */
  onCall?: (call: ScormCall, snapshot: ScormSnapshot) => void;
  /** Most messages posted per launch: a package calling Commit in a loop must not flood the page. */
  maxMessages?: number;
}

/** Most messages a single-SCO launch posts (a course gets more per SCO). */
export const DEFAULT_MAX_MESSAGES = 500;

/** Posts each call to the learner's page, at most `maxMessages` per launch (a finish always goes). */
export function createCallRelay(
  win: FrameWindow,
  appOrigin: string,
  maxMessages = DEFAULT_MAX_MESSAGES,
): (call: ScormCall, snapshot: ScormSnapshot, activity?: string) => void {
  let posted = 0;
  return (call, snapshot, activity) => {
    // A finish always goes: it is the attempt's last word.
    if (posted >= maxMessages && call !== 'finish') return;
    posted++;
    const message: ScormMessage = { type: SCORM_MESSAGE_TYPE, v: SCORM_MESSAGE_V, call, snapshot };
    if (activity) message.activity = activity;
    win.parent.postMessage(message, appOrigin);
  };
}

/** The edition's API slot on `win` (`API` or `API_1484_11`): a getter answering whatever API is set last. */
export function defineApiSlot(
  win: FrameWindow,
  version: ScormVersion,
  onApiRead?: () => void,
): (api: unknown) => void {
  let current: unknown = null;
  Object.defineProperty(win, version === '1.2' ? 'API' : 'API_1484_11', {
    get() {
      onApiRead?.();
      return current;
    },
    configurable: false,
    enumerable: true,
  });
  return (api) => {
    current = api;
  };
}

/** A fresh API of the edition. */
export function createApi(version: ScormVersion, options: ScormApiOptions): unknown {
  return version === '1.2' ? createScorm12Api(options) : createScorm2004Api(options);
}

/** Installs the edition's API object in `win` and relays its calls to the learner's page. */
export function installScormFrame(win: FrameWindow, o: LaunchApiOptions): void {
  const relay = createCallRelay(win, o.appOrigin, o.maxMessages);
  const setApi = defineApiSlot(win, o.version, o.onApiRead);
  setApi(
    createApi(o.version, {
      initial: o.initial ?? {},
      ...(o.restored ? { restored: o.restored } : {}),
      ...(o.persist ? { persist: o.persist } : {}),
      onCall: (call, snapshot) => {
        relay(call, snapshot);
        o.onCall?.(call, snapshot);
      },
    }),
  );
}
