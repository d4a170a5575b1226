/** One block of FFmpeg's `-progress` output, the values we use, null when FFmpeg said N/A. */
export interface ProgressSample {
  /** Media time written so far, in seconds. */
  outTimeSeconds: number | null;
  /** Media seconds per wall second, e.g. 3.4 for `speed=3.4x`. */
  speed: number | null;
  fps: number | null;
  frame: number | null;
  /** True for the final block (`progress=end`). */
  end: boolean;
}

function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) ? n : null;
}

/** `HH:MM:SS.micro` → seconds; negative or unparsable → null. */
function clockSeconds(value: string | undefined): number | null {
  const m = value?.match(/^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/);
  if (!m || m[1] === '-') return null;
  return Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** Microseconds (as FFmpeg prints them) → seconds; FFmpeg prints huge negatives for "no timestamp yet". */
function microsToSeconds(value: string | undefined): number | null {
  const n = num(value);
  return n === null || n < 0 ? null : n / 1e6;
}

/** Turns one block's `key=value` map into a sample. */
export function toProgressSample(fields: ReadonlyMap<string, string>): ProgressSample {
  // out_time_ms is in microseconds too (a long-standing FFmpeg bug), so it is only a fallback.
  const outTimeSeconds =
    microsToSeconds(fields.get('out_time_us')) ??
    microsToSeconds(fields.get('out_time_ms')) ??
    clockSeconds(fields.get('out_time'));
  const speedText = fields.get('speed')?.trim().replace(/x$/, '');
  const speed = num(speedText);
  const fps = num(fields.get('fps'));
  return {
    outTimeSeconds,
    speed: speed !== null && speed > 0 ? speed : null,
    fps: fps !== null && fps > 0 ? fps : null,
    frame: num(fields.get('frame')),
    end: fields.get('progress') === 'end',
  };
}

/**
 * Incremental parser of FFmpeg's `-progress` stream: feed it stdout chunks as they come (they
 * may split lines anywhere), get back each block completed by a `progress=continue|end` line.
 */
export class ProgressParser {
  private buffer = '';
  private fields = new Map<string, string>();

  /** Consumes a chunk; returns the blocks it completed, oldest first. */
  push(chunk: string): ProgressSample[] {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    // A line never legitimately grows this long; drop it rather than buffer without bound.
    if (this.buffer.length > 4096) this.buffer = '';
    const samples: ProgressSample[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      this.fields.set(key, value);
      if (key === 'progress') {
        samples.push(toProgressSample(this.fields));
        this.fields = new Map();
      }
    }
    return samples;
  }
}
