import type { LiveInputPacket } from './frame-crc-read.js';

/** The live input's health over the last seconds, as the listener received it. */
export interface LiveInputHealth {
  /** All streams, bits per second of input time; null before a second of input. */
  bitrate: number | null;
  /** Video packets per second of input time; null without video. */
  frameRate: number | null;
  /** Seconds between the last two video keyframes; null before the second one. */
  keyframeInterval: number | null;
  /** Input seconds received per wall second over the window (below 1: the publisher falls behind). */
  arrivalRate: number | null;
}

interface Seen {
  pts: number;
  bytes: number;
  video: boolean;
  atMs: number;
}

/**
 * Rolling statistics of the live input (a window of `windowSeconds` of input time), and the wall-clock anchor of
 * the input's clock: the least `arrival − pts` over every packet, i.e. when pts 0 would have arrived had the
 * network never delayed a packet (the publisher sends in real time, so late packets only ever push it up).
 */
export class LiveInputStats {
  private readonly window: Seen[] = [];
  private anchor: number | null = null;
  private lastKey: number | null = null;
  private interval: number | null = null;
  private readonly keyframes: number[] = [];

  constructor(
    private readonly videoStream: number | null,
    private readonly windowSeconds = 5,
  ) {}

  /** Records one packet that arrived at `atMs` (wall clock, ms since the epoch). */
  add(p: LiveInputPacket, atMs: number): void {
    const video = p.stream === this.videoStream;
    const reference = this.videoStream === null || video;
    if (reference) {
      const offset = atMs - p.pts * 1000;
      if (this.anchor === null || offset < this.anchor) this.anchor = offset;
    }
    if (video && p.keyframe) {
      if (this.lastKey !== null && p.pts > this.lastKey) this.interval = p.pts - this.lastKey;
      this.lastKey = p.pts;
      if (this.keyframes.length < 64) this.keyframes.push(p.pts);
    }
    this.window.push({ pts: p.pts, bytes: p.bytes, video, atMs });
    const newest = p.pts;
    while (this.window.length > 1 && newest - this.window[0]!.pts > this.windowSeconds) this.window.shift();
    // A publisher that restarts its clock (pts jumps back) would otherwise pin the window forever.
    if (this.window.length > 20_000) this.window.splice(0, this.window.length - 20_000);
  }

  /** Wall time (ms since the epoch) of input pts `pts`; null before the first packet. */
  wallTimeOf(pts: number): number | null {
    return this.anchor === null ? null : this.anchor + pts * 1000;
  }

  /** The video keyframes' pts seen so far (the first 64): when the run's first segment starts, and the GOP. */
  keyframePts(): readonly number[] {
    return this.keyframes;
  }

  /** The statistics over the window. */
  health(): LiveInputHealth {
    const w = this.window;
    const first = w[0];
    const last = w[w.length - 1];
    if (!first || !last) return { bitrate: null, frameRate: null, keyframeInterval: null, arrivalRate: null };
    const span = last.pts - first.pts;
    const wallSpan = (last.atMs - first.atMs) / 1000;
    const bytes = w.reduce((sum, s) => sum + s.bytes, 0);
    const videoPts = w.filter((s) => s.video).map((s) => s.pts);
    const videoSpan = videoPts.length > 1 ? Math.max(...videoPts) - Math.min(...videoPts) : 0;
    return {
      bitrate: span >= 1 ? Math.round((bytes * 8) / span) : null,
      frameRate: videoSpan >= 1 ? Math.round(((videoPts.length - 1) / videoSpan) * 100) / 100 : null,
      keyframeInterval: this.interval === null ? null : Math.round(this.interval * 1000) / 1000,
      arrivalRate: wallSpan >= 1 && span > 0 ? Math.round((span / wallSpan) * 100) / 100 : null,
    };
  }
}
