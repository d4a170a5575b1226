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

/** A contiguous run of segments the peak is measured over: indexes `first`..`last`, `seconds` long. */
export interface MeasuredRun {
  first: number;
  last: number;
  seconds: number;
}

/**
 * The runs RFC 8216 measures the peak segment bit rate over (§4.3.4.2): every contiguous run of segments whose
 * total duration is between 0.5 and 1.5 times the target duration. A variant shorter than half a target
 * duration has none: then each segment (of some duration) is a run of its own.
 */
export function measuredRuns(durations: readonly number[], target: number): MeasuredRun[] {
  const runs: MeasuredRun[] = [];
  for (let i = 0; i < durations.length; i++) {
    let seconds = 0;
    // Segments are at most about one target duration long, so a run from i ends within a few segments.
    for (let j = i; j < durations.length; j++) {
      seconds += durations[j]!;
      if (seconds > target * 1.5) break;
      if (seconds >= target * 0.5) runs.push({ first: i, last: j, seconds });
    }
  }
  if (runs.length > 0) return runs;
  return durations.flatMap((d, i) => (d > 0 ? [{ first: i, last: i, seconds: d }] : []));
}

/**
 * Measures a variant from its segments. The peak is RFC 8216's peak segment bit rate (see {@link measuredRuns}).
 * Every segment counts: a clip's short tail (0.02 s of audio, one frame of video) is measured together with the
 * segment before it, so it neither escapes the peak nor, alone, overstates it up to ~2x. A variant shorter than
 * half a target duration has no such run: its peak is its fullest segment's rate.
 */
export function measureVariant(
  segments: readonly MeasuredSegment[],
  segmentSeconds: number,
): VariantMeasurement {
  const mediaSeconds = segments.reduce((sum, s) => sum + s.duration, 0);
  const segmentBytes = segments.reduce((sum, s) => sum + s.bytes, 0);
  let peakBitrate = 0;
  const runs = measuredRuns(
    segments.map((s) => s.duration),
    segmentSeconds,
  );
  for (const run of runs) {
    let bytes = 0;
    for (let k = run.first; k <= run.last; k++) bytes += segments[k]!.bytes;
    peakBitrate = Math.max(peakBitrate, (bytes * 8) / run.seconds);
  }
  return {
    segmentCount: segments.length,
    segmentBytes,
    mediaSeconds,
    averageBitrate: mediaSeconds > 0 ? (segmentBytes * 8) / mediaSeconds : 0,
    peakBitrate,
  };
}
