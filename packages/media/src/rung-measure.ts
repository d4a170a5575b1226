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
 * Measures a variant from its segments. The peak is RFC 8216's peak segment bit rate (§4.3.4.2): the largest
 * bit rate of any contiguous run of segments whose total duration is between 0.5 and 1.5 times the target
 * duration. Every segment counts: a clip's short tail (0.02 s of audio, one frame of video) is measured
 * together with the segment before it, so it neither escapes the peak nor, alone, overstates it up to ~2x. A
 * variant shorter than half a target duration has no such run: its peak is its fullest segment's rate.
 */
export function measureVariant(
  segments: readonly MeasuredSegment[],
  segmentSeconds: number,
): VariantMeasurement {
  const mediaSeconds = segments.reduce((sum, s) => sum + s.duration, 0);
  const segmentBytes = segments.reduce((sum, s) => sum + s.bytes, 0);
  let peakBitrate = peakOfRuns(segments, segmentSeconds);
  if (peakBitrate === 0) {
    for (const s of segments) {
      if (s.duration > 0) peakBitrate = Math.max(peakBitrate, (s.bytes * 8) / s.duration);
    }
  }
  return {
    segmentCount: segments.length,
    segmentBytes,
    mediaSeconds,
    averageBitrate: mediaSeconds > 0 ? (segmentBytes * 8) / mediaSeconds : 0,
    peakBitrate,
  };
}

/** The largest bit rate of the runs RFC 8216 measures the peak over; 0 when there is none. */
function peakOfRuns(segments: readonly MeasuredSegment[], target: number): number {
  let peak = 0;
  for (let i = 0; i < segments.length; i++) {
    let seconds = 0;
    let bytes = 0;
    // Segments are at most about one target duration long, so a run from i ends within a few segments.
    for (let j = i; j < segments.length; j++) {
      seconds += segments[j]!.duration;
      bytes += segments[j]!.bytes;
      if (seconds > target * 1.5) break;
      if (seconds >= target * 0.5) peak = Math.max(peak, (bytes * 8) / seconds);
    }
  }
  return peak;
}
