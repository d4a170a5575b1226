// A launch page's window, a package frame in it, and a transport that keeps what it is given: the SCORM host
// and runtime tests' rig. Messages are delivered synchronously, structured-cloned as postMessage does.
import { vi } from 'vitest';
import type { FrameWindow } from '../src/scorm/scorm-frame.js';
import type { SdkEvent, Transport, Urgency } from '../src/sdk-types.js';
import { CountingTarget } from './fake-media.js';

/** The launch page's window: `deliver` plays a message arriving from `source`. */
export class FakeHostWindow extends CountingTarget {
  deliver(data: unknown, source: unknown): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data: structuredClone(data), source }));
  }
}

/** Where a frame's posts land: the launch page's window, or the page of the package that holds the frame. */
export interface Deliverer {
  deliver(data: unknown, source: unknown): void;
}

export interface FakeFrameOptions {
  /** The frame is a page nested in another page of the package (its parent is not the top window). */
  nested?: boolean;
  /** `document.referrer` (default: a launch page's URL); null: no document at all. */
  referrer?: string | null;
  /** The source the parent sees (default: this window). */
  as?: unknown;
}

/** A frame's window: what it posts is kept in `posted` and delivered to `deliverTo` (null: not framed). */
export class FakeFrameWindow extends CountingTarget implements FrameWindow {
  API?: unknown;
  API_1484_11?: unknown;
  readonly posted: { message: unknown; targetOrigin: string }[] = [];
  readonly parent: FrameWindow['parent'];
  readonly top: unknown;
  readonly document?: { referrer?: string };

  constructor(deliverTo: Deliverer | null, o: FakeFrameOptions = {}) {
    super();
    const self = this as unknown as FrameWindow['parent'];
    this.parent = deliverTo
      ? {
          postMessage: (message, targetOrigin) => {
            this.posted.push({ message, targetOrigin });
            deliverTo.deliver(message, o.as ?? this);
          },
        }
      : self;
    // One level deep, the parent is the top window; deeper, it is another page of the package.
    this.top = !deliverTo ? self : o.nested ? {} : this.parent;
    const referrer = o.referrer === undefined ? 'https://learn.example/launch/itm_1' : o.referrer;
    if (referrer !== null) this.document = { referrer };
  }

  /** Plays a message arriving from `source` (a child frame). */
  deliver(data: unknown, source: unknown): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data: structuredClone(data), source }));
  }

  /** The APIs the runtime installed, typed for calling. */
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
