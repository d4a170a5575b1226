/** A finished segment: its playlist duration and its size on disk. */
interface MeasuredSegment {
  duration: number;
  bytes: number;
}

/** Bitrate facts of one variant, measured from its segment files. */
interface VariantMeasurement {
  segmentCount: number;
  /** Media segment bytes (init segment excluded). */
  segmentBytes: number;
  /** Sum of EXTINF durations. */
  mediaSeconds: number;
  /** All segment bits / all segment seconds. */
  averageBitrate: number;
  /** The largest bits / seconds of any one segment (see {@link measureVariant} for the tail rule). */
  peakBitrate: number;
}

/**
 * Measures a variant from its segments. The peak is RFC 8216's "peak segment bit rate", with one
 * exception: a final segment shorter than half the target duration (a clip's tail, e.g. 0.02 s of
 * audio or one frame of video) is left out of the peak, because its bits are mostly a keyframe or
 * box headers and it would overstate BANDWIDTH up to ~2x, steering players to lower rungs. It still
 * counts in the average. A variant made only of such segments uses them all.
 */
export function measureVariant(
  segments: readonly MeasuredSegment[],
  segmentSeconds: number,
): VariantMeasurement {
  const mediaSeconds = segments.reduce((sum, s) => sum + s.duration, 0);
  const segmentBytes = segments.reduce((sum, s) => sum + s.bytes, 0);
  const last = segments[segments.length - 1];
  const shortTail = segments.length > 1 && last !== undefined && last.duration < segmentSeconds / 2;
  const forPeak = shortTail ? segments.slice(0, -1) : segments;
  let peakBitrate = 0;
  for (const s of forPeak) {
    if (s.duration > 0) peakBitrate = Math.max(peakBitrate, (s.bytes * 8) / s.duration);
  }
  return {
    segmentCount: segments.length,
    segmentBytes,
    mediaSeconds,
    averageBitrate: mediaSeconds > 0 ? (segmentBytes * 8) / mediaSeconds : 0,
    peakBitrate,
  };
}
