/** One segment of a grid: its index and its time range on the source's timeline, in seconds. */
interface GridSegment {
  index: number;
  start: number;
  duration: number;
}

/** The segments a just-in-time session publishes before any of them exists. */
export interface SegmentGrid {
  /** Nominal segment length: every segment's for a uniform grid, the minimum aimed at for a keyframe grid. */
  segmentSeconds: number;
  count: number;
  segments: GridSegment[];
}

/**
 * A remainder shorter than this (or half a segment, if less) joins the previous segment. A tail of
 * a few ms (AAC priming makes a file 21 ms longer than its video) holds no video frame that starts
 * inside it, so FFmpeg, which cuts on video keyframes, would never write it.
 */
const MAX_MERGED_TAIL_SECONDS = 0.5;
/** Keyframe times are printed with 6 decimals; a gap this much short of the target still counts. */
const KEYFRAME_SLACK_SECONDS = 0.001;

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive finite number of seconds, got ${String(value)}`);
  }
}

/** Rounds away float noise (0.1 + 0.2) so that grid times print and compare cleanly. */
function clean(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

function fromStarts(starts: number[], durationSeconds: number, segmentSeconds: number): SegmentGrid {
  const segments = starts.map((start, index) => ({
    index,
    start,
    duration: clean((starts[index + 1] ?? durationSeconds) - start),
  }));
  return { segmentSeconds, count: segments.length, segments };
}

/**
 * Fixed-length segments covering `durationSeconds`; the last one takes the remainder (merged into
 * its predecessor when shorter than min(0.5 s, half a segment)). Throws RangeError on a
 * non-positive or non-finite input.
 */
export function segmentGrid(durationSeconds: number, segmentSeconds: number): SegmentGrid {
  requirePositive('durationSeconds', durationSeconds);
  requirePositive('segmentSeconds', segmentSeconds);
  const minTail = Math.min(MAX_MERGED_TAIL_SECONDS, segmentSeconds / 2);
  const starts = [0];
  for (let i = 1; ; i++) {
    const start = clean(i * segmentSeconds);
    if (durationSeconds - start < minTail) break;
    starts.push(start);
  }
  return fromStarts(starts, durationSeconds, segmentSeconds);
}

/**
 * Segments for stream copy: each starts on a source keyframe (times relative to the file's start)
 * and runs to the first keyframe at least `targetSeconds` later, so a segment is shorter than the
 * target only at the end. The first segment starts at 0 whatever the first keyframe's time.
 */
export function keyframeGrid(
  keyframeTimes: readonly number[],
  durationSeconds: number,
  targetSeconds: number,
): SegmentGrid {
  requirePositive('durationSeconds', durationSeconds);
  requirePositive('targetSeconds', targetSeconds);
  const minTail = Math.min(MAX_MERGED_TAIL_SECONDS, targetSeconds / 2);
  const sorted = keyframeTimes.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  const starts = [0];
  for (const t of sorted) {
    const last = starts[starts.length - 1]!;
    if (t - last < targetSeconds - KEYFRAME_SLACK_SECONDS) continue;
    if (durationSeconds - t < minTail) break;
    starts.push(clean(t));
  }
  return fromStarts(starts, durationSeconds, targetSeconds);
}

/** True when every segment but the last is `segmentSeconds` long and starts at index × segmentSeconds. */
export function isUniformGrid(grid: SegmentGrid): boolean {
  const tol = 1e-6;
  return grid.segments.every(
    (s, i) =>
      Math.abs(s.start - clean(i * grid.segmentSeconds)) < tol &&
      (i === grid.count - 1 || Math.abs(s.duration - grid.segmentSeconds) < tol),
  );
}

/** The grid's end: the last segment's start plus its duration. */
export function gridEnd(grid: SegmentGrid): number {
  const last = grid.segments[grid.count - 1];
  return last ? clean(last.start + last.duration) : 0;
}

/**
 * The bytes of each grid segment, from what opens at each of `times` (sorted, as a keyframe grid's starts are
 * drawn from): each amount counts in the segment its time falls in; the first segment takes what comes earlier.
 */
export function bytesPerSegment(
  grid: SegmentGrid,
  times: readonly number[],
  bytes: readonly number[],
): number[] {
  const out = grid.segments.map(() => 0);
  let seg = 0;
  times.forEach((t, i) => {
    while (seg + 1 < grid.count && grid.segments[seg + 1]!.start <= t + 1e-6) seg++;
    out[seg]! += bytes[i] ?? 0;
  });
  return out;
}
