// Upload speed and time left from progress samples: the bytes sent over the last few seconds, so a stall shows
// at once and a burst does not promise too much.
import { formatBytes } from '../player/display-text.js';

/** Keeps recent (time, bytes) samples and answers speed and ETA. */
export interface SpeedMeter {
  /** Records that `bytes` have been sent at `now` (ms). */
  sample(bytes: number, now: number): void;
  /** Bytes per second over the window; null until two samples span time. */
  bytesPerSecond(): number | null;
  /** Seconds left to send `total`; null when the speed is unknown or zero. */
  secondsLeft(total: number): number | null;
  /** Forgets the samples (after a pause or a cut: the old speed says nothing of the new one). */
  reset(): void;
}

/** A meter over the last `windowMs` of samples. */
export function createSpeedMeter(windowMs = 5000): SpeedMeter {
  let samples: { t: number; bytes: number }[] = [];
  return {
    sample(bytes, now) {
      samples.push({ t: now, bytes });
      while (samples.length > 2 && now - samples[0]!.t > windowMs) samples.shift();
    },
    bytesPerSecond() {
      const first = samples[0];
      const last = samples[samples.length - 1];
      if (!first || !last || last.t - first.t < 200) return null;
      return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
    },
    secondsLeft(total) {
      const speed = this.bytesPerSecond();
      const last = samples[samples.length - 1];
      if (!speed || speed <= 0 || !last) return null;
      return (total - last.bytes) / speed;
    },
    reset() {
      samples = [];
    },
  };
}

/** "1.4 MB/s"-style text of a byte rate. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** "3 min left"-style text of a duration in seconds. */
export function formatLeft(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
  const h = Math.floor(seconds / 3600);
  return `${h} h ${Math.round((seconds - h * 3600) / 60)} min left`;
}
