// The SCORM runtime the server copies into every published package (`__coursecast/scorm-runtime.js`) and loads
// first in each of its HTML files. The package runs sandboxed in an opaque origin and cannot reach the launch
// page, so the API lives in its own window, and what the launch page needs is posted to it. Kept tiny: it
// imports the API and the message's constants, never the transport.
import type { ScormCall } from '@coursecast/semconv/browser';
import { createScorm12Api, createScorm2004Api } from './scorm-api.js';
import {
  SCORM_MESSAGE_TYPE,
  SCORM_MESSAGE_V,
  type ScormMessage,
  type ScormSnapshot,
} from './scorm-message.js';

interface MessageTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** The parts of the package's window the runtime uses. */
export interface FrameWindow {
  API?: unknown;
  API_1484_11?: unknown;
  parent: MessageTarget;
  top: unknown;
  document?: { referrer?: string };
  addEventListener?(type: 'message', listener: (event: Event) => void): void;
}

/**
 * The origin to post to: the launch page's (the referrer's) when the package's frame is its child, else `*`.
 * A page nested in another page of the package has an opaque-origin parent, which only `*` reaches; the
 * messages carry nothing secret.
 */
export function targetOriginOf(win: FrameWindow): string {
  if (win.parent !== win.top) return '*';
  try {
    const origin = new URL(win.document?.referrer ?? '').origin;
    return origin && origin !== 'null' ? origin : '*';
  } catch {
    return '*';
  }
}

/**
 * Installs `API` (1.2) and `API_1484_11` (2004) in `win`, unless a wrapper of the package defined them, and
 * posts each initialize, commit and finish to the parent window. A page of the package that has child pages
 * forwards their messages up, so the launch page hears from every depth.
 */
export function installScormFrame(win: FrameWindow): void {
  const framed = win.parent !== (win as unknown);
  const target = framed ? targetOriginOf(win) : '*';
  // No implicit finish on pagehide: when the tab closes, the launch page unloads before the frame and would
  // not hear it, and an initialize without a finish is itself the sign of an abandoned attempt.
  const onCall = (call: ScormCall, snapshot: ScormSnapshot) => {
    const message: ScormMessage = { type: SCORM_MESSAGE_TYPE, v: SCORM_MESSAGE_V, call, snapshot };
    if (framed) win.parent.postMessage(message, target);
  };
  win.API ??= createScorm12Api({ onCall });
  win.API_1484_11 ??= createScorm2004Api({ onCall });
  if (!framed) return;
  win.addEventListener?.('message', (event) => {
    try {
      const { data, source } = event as MessageEvent<unknown>;
      const from = source as { parent?: unknown } | null;
      const type = (data as { type?: unknown } | null)?.type;
      // Only from this page's own child frames: the launch page validates what it receives.
      if (from && from !== win && from.parent === win && type === SCORM_MESSAGE_TYPE) {
        win.parent.postMessage(data, target);
      }
    } catch {
      // A relay that fails loses telemetry, never the package's own work.
    }
  });
}

// The script's entry: the server's <script> runs it before any script of the package.
if (typeof window !== 'undefined') installScormFrame(window);
