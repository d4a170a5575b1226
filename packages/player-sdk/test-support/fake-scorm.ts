// A learner's page window, a launch frame in it, and a transport that keeps what it is given: the SCORM host
// and runtime tests' rig. Messages are delivered synchronously, structured-cloned as postMessage does.
import { vi } from 'vitest';
import type { FrameWindow } from '../src/scorm/scorm-frame.js';
import type { SdkEvent, Transport, Urgency } from '../src/sdk-types.js';
import { CountingTarget } from './fake-media.js';

/** The launch page's window: `deliver` plays a message arriving from `source`. */
export class FakeHostWindow extends CountingTarget {
  deliver(data: unknown, source: unknown, origin = 'https://content.example'): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data: structuredClone(data), source, origin }));
  }
}

/** Where a frame's posts land: the learner's page window. */
export interface Deliverer {
  deliver(data: unknown, source: unknown): void;
}

/** The launch frame's window: what it posts is kept in `posted` and delivered to the learner's page. */
export class FakeFrameWindow implements FrameWindow {
  API?: unknown;
  API_1484_11?: unknown;
  readonly posted: { message: unknown; targetOrigin: string }[] = [];
  readonly parent: FrameWindow['parent'];

  constructor(deliverTo: Deliverer) {
    this.parent = {
      postMessage: (message, targetOrigin) => {
        this.posted.push({ message, targetOrigin });
        deliverTo.deliver(message, this);
      },
    };
  }

  /** The APIs the launch frame installed, typed for calling. */
  get apis(): Record<'API' | 'API_1484_11', Record<string, (...args: unknown[]) => string>> {
    return this as unknown as Record<'API' | 'API_1484_11', Record<string, (...args: unknown[]) => string>>;
  }
}

/** A launch page with one package frame in it. */
export function launchRig() {
  const host = new FakeHostWindow();
  const frameWindow = new FakeFrameWindow(host);
  const frame = {
    contentWindow: frameWindow,
    ownerDocument: { defaultView: host },
  } as unknown as HTMLIFrameElement;
  return { host, frameWindow, frame };
}

/** A transport that keeps what it is given. */
export function fakeTransport() {
  const events: SdkEvent[] = [];
  const urgencies: (Urgency | undefined)[] = [];
  const transport: Transport = {
    event: (e, u) => {
      events.push(e);
      urgencies.push(u);
    },
    span: vi.fn(),
    flush: vi.fn(),
    destroy: vi.fn(),
    stats: () => ({ sent: 0, dropped: 0, retried: 0, queued: 0 }),
  };
  return { transport, events, urgencies };
}
