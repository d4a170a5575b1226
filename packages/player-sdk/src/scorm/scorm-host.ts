// The learner page's half of the SCORM runtime: hears the launch frame's initialize, commit and finish (the
// launch frame, on the content origin, hosts the API) and records each as a `content.scorm_call` event.
import { PLAYBACK_EVENTS, SCORM_CALLS } from '@coursecast/semconv/browser';
import { transportFor, type TransportChoice } from '../default-transport.js';
import { createGuard, warnInConsole } from '../guard.js';
import { randomHex } from '../ids.js';
import { pageClock } from '../sdk-types.js';
import { scormCallAttributes, scormLaunchAttributes, type ScormLaunch } from './scorm-event.js';
import { readScormMessage, type ScormCall, type ScormSnapshot, type ScormVersion } from './scorm-message.js';

export interface ScormHostOptions extends ScormLaunch, TransportChoice {
  /** The content origin: messages from any other origin are not the launch frame's (ADR 0010). */
  origin: string;
  /** The package's edition from the server's manifest, for a message that does not say. */
  version?: ScormVersion;
  /** Told of every call recorded (e.g. to show progress); what it throws is counted, never thrown. */
  onCall?: (call: ScormCall, snapshot: ScormSnapshot) => void;
}

/** What `attachScormHost()` returns. */
export interface ScormHostHandle {
  /** Stops listening and sends what is queued. Idempotent; runs on pagehide by itself. */
  destroy(): void;
  /** Calls recorded. */
  readonly calls: number;
  /** Messages that claimed to be the runtime's but were malformed, and were dropped. */
  readonly dropped: number;
  /** This launch's attempt id (`content.scorm.attempt_id`). */
  readonly attemptId: string;
}

type HostWindow = Pick<Window, 'addEventListener' | 'removeEventListener'>;

const g = globalThis;

/** Listens for the SCORM runtime's messages from `frame` and records each initialize/commit/finish as a `content.scorm_call` event. */
export function attachScormHost(frame: HTMLIFrameElement, options: ScormHostOptions): ScormHostHandle {
  const clock = pageClock();
  const attemptId = randomHex(16);
  const guard = createGuard(warnInConsole('SCORM host'));
  const { transport, own } = transportFor(options);
  const win: HostWindow = frame.ownerDocument?.defaultView ?? g;
  const launch = scormLaunchAttributes(options, attemptId);
  let calls = 0;
  let dropped = 0;
  let destroyed = false;

  const onMessage = guard.wrap('message', (event: MessageEvent) => {
    // Both the window and its origin: the frame's window could have navigated to another origin. What passes is
    // still the package's word (it shares the launch frame's origin), so it is read strictly below.
    if (!event.source || event.source !== frame.contentWindow || event.origin !== options.origin) return;
    const m = readScormMessage(event.data, options.version);
    if (m === undefined) return;
    if (m === null) return void dropped++;
    calls++;
    // A finish is the attempt's last word: it leaves at once, not with the next batch.
    transport.event(
      {
        name: PLAYBACK_EVENTS.scormCall,
        timeMs: clock.epochMs(clock.now()),
        attributes: scormCallAttributes(launch, m),
      },
      m.call === SCORM_CALLS.finish ? 'now' : 'batch',
    );
    guard.run('onCall', () => options.onCall?.(m.call, m.snapshot));
  });

  const handle: ScormHostHandle = {
    destroy() {
      if (destroyed) return;
      destroyed = true;
      guard.run('destroy', () => {
        win.removeEventListener('message', onMessage);
        win.removeEventListener('pagehide', onPageHide);
        // A transport the caller passed is the caller's to end.
        if (own) transport.destroy();
      });
    },
    get calls() {
      return calls;
    },
    get dropped() {
      return dropped;
    },
    attemptId,
  };
  const onPageHide = guard.wrap('pagehide', () => {
    transport.flush('unload');
    handle.destroy();
  });
  win.addEventListener('message', onMessage);
  win.addEventListener('pagehide', onPageHide);
  return handle;
}
