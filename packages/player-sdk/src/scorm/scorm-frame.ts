// The SCORM API in the launch frame (ADR 0010): the package's parent on the content origin, where the standard
// discovery walk (from `window.parent` up) finds it. Only the package's edition is offered, as LMSs do, under a
// getter so the launch can tell "never looked for the API" from "found it and never initialized". Each
// initialize, commit and finish is posted to the learner's page, and to its origin only.
import type { ScormCall } from '@coursecast/semconv/browser';
import { createScorm12Api, createScorm2004Api } from './scorm-api.js';
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
  /** The package read the API object. */
  onApiRead?: () => void;
  /** After each call is posted. */
  onCall?: (call: ScormCall, snapshot: ScormSnapshot) => void;
  /** Most messages posted per launch: a package calling Commit in a loop must not flood the page. */
  maxMessages?: number;
}

const DEFAULT_MAX_MESSAGES = 500;

/** Installs the edition's API object in `win` and relays its calls to the learner's page. */
export function installScormFrame(win: FrameWindow, o: LaunchApiOptions): void {
  let posted = 0;
  const max = o.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const onCall = (call: ScormCall, snapshot: ScormSnapshot): void => {
    // A finish always goes: it is the attempt's last word.
    if (posted < max || call === 'finish') {
      posted++;
      const message: ScormMessage = { type: SCORM_MESSAGE_TYPE, v: SCORM_MESSAGE_V, call, snapshot };
      win.parent.postMessage(message, o.appOrigin);
    }
    o.onCall?.(call, snapshot);
  };
  const options = { onCall, initial: o.initial ?? {} };
  const api = o.version === '1.2' ? createScorm12Api(options) : createScorm2004Api(options);
  Object.defineProperty(win, o.version === '1.2' ? 'API' : 'API_1484_11', {
    get() {
      o.onApiRead?.();
      return api;
    },
    configurable: false,
    enumerable: true,
  });
}
