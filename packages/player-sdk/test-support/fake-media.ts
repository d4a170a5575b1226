// A <video> element and a window for Node tests: Node's EventTarget plus the properties the SDK reads.

/** An EventTarget that counts its listeners, so a test can check that an unbind removed every one. */
export class CountingTarget extends EventTarget {
  private readonly registered = new Map<string, Set<unknown>>();

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (listener) {
      const set = this.registered.get(type) ?? new Set();
      set.add(listener);
      this.registered.set(type, set);
    }
    super.addEventListener(type, listener, options);
  }

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    this.registered.get(type)?.delete(listener);
    super.removeEventListener(type, listener, options);
  }

  /** Listeners now attached (of `type`, or of every type). */
  listenerCount(type?: string): number {
    if (type !== undefined) return this.registered.get(type)?.size ?? 0;
    let n = 0;
    for (const set of this.registered.values()) n += set.size;
    return n;
  }

  /** Dispatches a plain event named `type`. */
  fire(type: string): void {
    this.dispatchEvent(new Event(type));
  }
}

/** The media element's state as the SDK reads it; a test sets the fields, then fires the event. */
export class FakeVideo extends CountingTarget {
  currentTime = 0;
  paused = true;
  seeking = false;
  ended = false;
  readyState = 0;
  playbackRate = 1;
  videoHeight = 0;
  clientWidth = 640;
  clientHeight = 360;
  currentSrc = '';
  error: { code: number; message: string } | null = null;
  /** Buffered ranges, seconds. */
  ranges: [number, number][] = [];
  /** What getVideoPlaybackQuality() reports as dropped so far. */
  droppedFrames = 0;

  get buffered(): TimeRanges {
    const r = this.ranges;
    return {
      length: r.length,
      start: (i: number) => r[i]![0],
      end: (i: number) => r[i]![1],
    };
  }

  getVideoPlaybackQuality(): VideoPlaybackQuality {
    return {
      droppedVideoFrames: this.droppedFrames,
      totalVideoFrames: 1000,
      creationTime: 0,
      corruptedVideoFrames: 0,
    };
  }

  /** This fake as the element type the SDK takes. */
  get element(): HTMLVideoElement {
    return this as unknown as HTMLVideoElement;
  }
}
