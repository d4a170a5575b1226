/** Limits of a {@link StderrTail}. */
interface StderrTailLimits {
  maxLines: number;
  maxChars: number;
}

/** ~20 lines is enough to name a cause; 8 K characters bound memory even when FFmpeg loops on one warning. */
const DEFAULT_STDERR_TAIL_LIMITS: StderrTailLimits = { maxLines: 20, maxChars: 8 * 1024 };

/**
 * Keeps only the last lines of a stream, bounded in lines and characters, so a child that writes
 * megabytes of warnings never grows our memory. `\r` counts as a line break (FFmpeg's stats line).
 */
export class StderrTail {
  private readonly lines: string[] = [];
  private chars = 0;
  private partial = '';

  constructor(private readonly limits: StderrTailLimits = DEFAULT_STDERR_TAIL_LIMITS) {}

  /** Appends a chunk of output. */
  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r\n|\r|\n/);
    // The last part has no line break yet; keep at most maxChars of it so one endless line stays bounded.
    this.partial = (parts.pop() ?? '').slice(-this.limits.maxChars);
    for (const line of parts) this.addLine(line);
  }

  /** The kept lines (plus an unterminated last line), joined with `\n`. */
  text(): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.join('\n');
  }

  /** The last `n` non-empty lines, for a one-line error message. */
  lastLines(n: number): string[] {
    return this.text()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-n);
  }

  private addLine(raw: string): void {
    const line = raw.trimEnd();
    if (line === '') return;
    const kept = line.slice(-this.limits.maxChars);
    this.lines.push(kept);
    this.chars += kept.length;
    while (this.lines.length > this.limits.maxLines || this.chars > this.limits.maxChars) {
      this.chars -= this.lines.shift()?.length ?? 0;
    }
  }
}
