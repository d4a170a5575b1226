import { watch, type FSWatcher } from 'node:fs';
import { access, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { jitSegmentName, type JitRunPlan } from './jit-args.js';
import type { SegmentGrid } from './segment-grid.js';

/** One line of the segment muxer's CSV list: a closed segment and its time range. */
interface SegmentListEntry {
  file: string;
  start: number;
  end: number;
}

/** A segment that is complete and in place under its final name. */
export interface PublishedSegment {
  index: number;
  bytes: number;
  /** Absolute path of `seg_<index>.ts`. */
  file: string;
  /** Since the previous segment of this run, or since spawn for its first. */
  generationMs: number;
}

/**
 * Parses the segment muxer's CSV list (`name,start,end` per closed segment). A last line without
 * its newline is still being written and is left for the next read.
 */
export function parseSegmentList(text: string): SegmentListEntry[] {
  const lines = text.split('\n');
  lines.pop();
  const entries: SegmentListEntry[] = [];
  for (const line of lines) {
    const endComma = line.lastIndexOf(',');
    const startComma = line.lastIndexOf(',', endComma - 1);
    if (startComma <= 0) continue;
    entries.push({
      file: line.slice(0, startComma),
      start: Number.parseFloat(line.slice(startComma + 1, endComma)),
      end: Number.parseFloat(line.slice(endComma + 1)),
    });
  }
  return entries;
}

/** What a publisher needs from its run. */
interface SegmentPublisherOptions {
  outDir: string;
  plan: JitRunPlan;
  grid: SegmentGrid;
  startIndex: number;
  /** performance.now() of the spawn, null before it. */
  spawnedAt: () => number | null;
  onPublish: (segment: PublishedSegment) => void;
  /** The output does not fit the grid, or the directory failed us; the run must end as failed. */
  onFault: (message: string, cause?: unknown) => void;
  /** Fallback rescan period for file systems whose change events are unreliable; default 250 ms. */
  pollMs?: number;
}

/** A cut lands at most this far from the grid time it was asked for (cut delta plus rounding). */
const CUT_TOLERANCE_SECONDS = 0.002;
const DEFAULT_POLL_MS = 250;

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Follows one run's CSV list and publishes each closed segment by renaming it to `seg_<index>.ts`
 * (atomic: a reader sees the whole file or none). A listed segment counts as closed once FFmpeg
 * has listed or opened the next one, or exited cleanly: at SIGTERM FFmpeg's trailer lists the
 * segment it was writing, truncated, and that one must never be published.
 */
export class SegmentPublisher {
  private readonly listName: string;
  private readonly partPattern: RegExp;
  private handled = 0;
  private highest: number;
  private lastPublishAt: number | null = null;
  private closed = false;
  /** The drain loop under way, null when idle. */
  private running: Promise<void> | null = null;
  /** A scan was asked for since the current pass read the list. */
  private pending = false;
  /** FFmpeg exited with code 0: from now on the last listed segment is complete too. */
  private exitedCleanly = false;
  private watcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;

  constructor(private readonly opts: SegmentPublisherOptions) {
    this.listName = path.basename(opts.plan.listFile);
    const prefix = opts.plan.partPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.partPattern = new RegExp(`^${prefix}(\\d+)\\.ts$`);
    this.highest = opts.startIndex - 1;
  }

  /** Highest index published so far, startIndex - 1 before the first. */
  position(): number {
    return this.highest;
  }

  /** Starts watching the directory (plus a slow poll); call once the directory exists. */
  start(): void {
    try {
      this.watcher = watch(this.opts.outDir, { persistent: false }, (event, name) => {
        // Appends to the list, and the creation of a part file (which closes its predecessor).
        if (name === this.listName || (event === 'rename' && name?.startsWith(this.opts.plan.partPrefix)))
          void this.scan();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No inotify (or the like) here: the poll alone finds the segments, up to pollMs later.
    }
    this.poll = setInterval(() => void this.scan(), this.opts.pollMs ?? DEFAULT_POLL_MS);
    this.poll.unref();
  }

  /**
   * Reads the list and publishes what is closed. Calls while a pass is under way join one drain
   * loop, which runs one more pass after them: the returned promise settles only after a pass that
   * began after the call. `cleanExit` is for the last scan after FFmpeg exited with code 0, when
   * the last listed segment is complete too; it sticks, and the loop ends once nothing is pending,
   * so a scan never waits on events that a finished FFmpeg can no longer cause.
   */
  scan(cleanExit = false): Promise<void> {
    if (cleanExit) this.exitedCleanly = true;
    this.pending = true;
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    // Lets scan() store this promise first: `running` is cleared below in the same synchronous
    // step that finds nothing pending, so a scan() can never join a loop that has already decided
    // to end.
    await Promise.resolve();
    try {
      while (this.pending && !this.closed) {
        this.pending = false;
        await this.pass(this.exitedCleanly).catch((err: unknown) =>
          this.fault('cannot publish segments', err),
        );
      }
    } finally {
      this.running = null;
    }
  }

  /** No publication after this returns; stops watching. */
  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }

  /** Waits for a pass under way, then removes the run's temporary files (parts and list). */
  async cleanup(): Promise<void> {
    this.close();
    await this.running;
    const names = await readdir(this.opts.outDir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => n.startsWith(this.opts.plan.partPrefix))
        .map((n) => rm(path.join(this.opts.outDir, n), { force: true }).catch(() => undefined)),
    );
  }

  private fault(message: string, cause?: unknown): void {
    if (this.closed) return;
    this.close();
    this.opts.onFault(message, cause);
  }

  private async pass(cleanExit: boolean): Promise<void> {
    if (this.closed) return;
    const text = await readFile(this.opts.plan.listFile, 'utf8').catch(() => '');
    const entries = parseSegmentList(text);
    while (this.handled < entries.length && !this.closed) {
      const entry = entries[this.handled]!;
      const number = this.partPattern.exec(entry.file)?.[1];
      if (number === undefined) return this.fault(`unexpected segment ${entry.file} in the list`);
      const index = Number(number);
      const partFile = path.join(this.opts.outDir, entry.file);
      const closed =
        this.handled < entries.length - 1 ||
        cleanExit ||
        (await exists(path.join(this.opts.outDir, `${this.opts.plan.partPrefix}${pad(index + 1)}.ts`)));
      if (!closed || this.closed) return;

      const misfit = this.misfit(index, entry, this.handled === 0);
      if (misfit) return this.fault(misfit);
      this.handled++;
      if (index < this.opts.startIndex || index > this.opts.plan.lastIndex) {
        await rm(partFile, { force: true });
        continue;
      }
      const file = path.join(this.opts.outDir, jitSegmentName(index));
      await rename(partFile, file);
      const { size } = await stat(file);
      if (this.closed) return;
      const now = performance.now();
      const since = this.lastPublishAt ?? this.opts.spawnedAt() ?? now;
      this.lastPublishAt = now;
      this.highest = index;
      this.opts.onPublish({ index, bytes: size, file, generationMs: now - since });
    }
  }

  /**
   * Why an entry does not fit the grid, or null. A run's first entry carries no start time (the
   * muxer lists it as 0). The pre-roll of a copy run must end at the wanted keyframe: if the seek
   * landed on or past it, every number after would be off by one.
   */
  private misfit(index: number, entry: SegmentListEntry, first: boolean): string | null {
    const { grid, startIndex } = this.opts;
    if (index < startIndex) {
      const wanted = grid.segments[startIndex]!.start;
      return entry.end > wanted + CUT_TOLERANCE_SECONDS
        ? `the seek before segment ${startIndex} (${wanted} s) landed past its keyframe: ` +
            `pre-roll ended at ${entry.end} s`
        : null;
    }
    const seg = grid.segments[index];
    if (!seg) return null;
    if (first) return null;
    const fits = entry.start >= seg.start - CUT_TOLERANCE_SECONDS && entry.start < seg.start + seg.duration;
    return fits
      ? null
      : `segment ${index} starts at ${entry.start} s, ` +
          `outside its grid range ${seg.start} s + ${seg.duration} s`;
  }
}

function pad(n: number): string {
  return String(n).padStart(5, '0');
}
