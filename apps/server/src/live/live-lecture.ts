import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import {
  startLiveRun,
  waitForTcpListen,
  type LiveInputInfo,
  type LiveLadderOptions,
  type LiveLadderPlan,
  type LiveListen,
  type LiveRunHandle,
  type LiveRunHealth,
  type LiveRunPlaylist,
  type LiveRunResult,
} from '@coursecast/media';
import type { CatalogStore, LiveLecture, LivePatch, LiveRunRecord, LiveState } from '../store/index.js';
import type { PublishVerdict } from './rtmp-ingest.js';
import { finishLecture } from './live-finish.js';
import { targetDurationOf, writeMaster, writeRungPlaylist } from './live-recording.js';

/** A lecture's settings (the `live` config, resolved). */
export interface LiveLectureSettings {
  ffmpegPath: string;
  ladder: LiveLadderOptions;
  windowSeconds: number;
  graceSeconds: number;
  stallSeconds: number;
  /** Its SRT listener, or null when SRT is off. */
  srt: { host: string; port: number; latencyMs: number } | null;
}

/** What a lecture tells its owner, for telemetry and the studio; every hook is guarded by the caller. */
export interface LiveLectureHooks {
  onRunStart(itemId: string, run: LiveRunRecord, plan: LiveLadderPlan, input: LiveInputInfo): void;
  onHealth(itemId: string, health: LiveRunHealth): void;
  onRunEnd(itemId: string, run: LiveRunRecord, result: LiveRunResult): void;
  onSegment(itemId: string, rung: string): void;
  onEnded(itemId: string, lecture: LiveLecture): void;
}

/** How long an RTMP listener waits for nginx's push to bring its first packet. */
const RTMP_CONNECT_MS = 30_000;

/** The run going on: its handle, its number, how it listens, whether a publisher is in. */
interface RunEntry {
  handle: LiveRunHandle;
  number: number;
  listen: LiveListen;
  connected: boolean;
}

/** Why a lecture ended, as its row says. */
export type LiveEndReason =
  'ended_by_instructor' | 'publisher_gone' | 'server_shutdown' | 'encoder_failed' | 'ingest_failed';

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(a && typeof a === 'object' ? a.port : 0));
    });
  });
}

/**
 * One open live lecture: at most one publisher at a time (RTMP pushed by nginx, or SRT into its own listener), a run
 * per connection, the rungs' playlists recomposed at each segment, a grace period for a dropped publisher, and the
 * recording finished into a normal lecture when it ends.
 */
export class LiveLectureRuntime {
  private run: RunEntry | null = null;
  private readonly segments = new Map<string, Map<number, LiveRunPlaylist>>();
  private masterWritten = false;
  private lastHealth: LiveRunHealth | null = null;
  private grace: NodeJS.Timeout | null = null;
  private ending: Promise<void> | null = null;
  private writes: Promise<unknown> = Promise.resolve();
  /** nginx is to drop the RTMP publisher at its next update (its picture changed under a copied top rung). */
  private dropRtmp = false;

  constructor(
    private live: LiveLecture,
    private readonly dir: string,
    private readonly store: CatalogStore,
    private readonly settings: LiveLectureSettings,
    private readonly hooks: LiveLectureHooks,
    private readonly log: (message: string) => void,
  ) {
    this.masterWritten = live.plan !== null && live.runs.length > 0;
  }

  /** The lecture as it stands. */
  lecture(): LiveLecture {
    return this.live;
  }

  /** Whether learners can play it: its master playlist is written (the first segments of every rung exist). */
  playable(): boolean {
    return this.masterWritten;
  }

  /** Whether a publisher is connected now. */
  publishing(): boolean {
    return this.run?.connected === true;
  }

  /** The input's latest health while a publisher sends; null otherwise. */
  health(): LiveRunHealth | null {
    return this.run?.connected ? this.lastHealth : null;
  }

  /** Opens the lecture for publishers: its SRT listener waits (RTMP needs nothing until nginx asks). */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.waitForSrt();
  }

  /** Whether a new publisher could start now. */
  private accepting(): boolean {
    return this.ending === null && (this.live.state === 'scheduled' || this.live.state === 'reconnecting');
  }

  /** nginx asks about an RTMP publish whose key is this lecture's: a listener of its own, or a refusal. */
  async acceptRtmp(): Promise<PublishVerdict> {
    if (!this.accepting()) return { refuse: `lecture ${this.live.itemId} is ${this.live.state}` };
    if (this.run?.connected) return { refuse: `lecture ${this.live.itemId} already has a publisher` };
    this.dropRtmp = false;
    // The SRT listener waiting meanwhile goes: one publisher at a time.
    if (this.run) {
      const waiting = this.run.handle;
      this.run = null;
      waiting.stop();
      await waiting.done;
    }
    const port = await freeTcpPort();
    // A push starting mid-GOP shows nothing before the next keyframe: room for a long keyframe interval and the probe.
    const started = this.startRun({ protocol: 'rtmp', port }, RTMP_CONNECT_MS);
    if (!(await waitForTcpListen(port, 5000))) {
      started.handle.stop();
      return { refuse: 'the lecture listener did not start' };
    }
    return { pushTo: `rtmp://127.0.0.1:${port}/live/ingest` };
  }

  /** Whether the RTMP publisher is still wanted (nginx asks every few seconds). */
  wantsPublisher(): boolean {
    if (this.dropRtmp) return false;
    return this.ending === null && this.live.state !== 'ended' && this.live.state !== 'failed';
  }

  /** Ends the lecture: the publisher's connection closes, the last segment is written, the recording finished. */
  end(reason: LiveEndReason, error: string | null = null): Promise<void> {
    this.ending ??= (async () => {
      if (this.grace) clearTimeout(this.grace);
      const current = this.run;
      if (current) {
        current.handle.stop();
        await current.handle.done.catch(() => null);
      }
      // A run's end bookkeeping (its record, the playlists) may still be queued.
      await this.writes.catch(() => {});
      const finished = await finishLecture({
        store: this.store,
        live: this.live,
        dir: this.dir,
        reason,
        error,
        windowSeconds: this.settings.windowSeconds,
        segmentSeconds: this.settings.ladder.segmentSeconds,
      });
      this.live = finished;
      this.hooks.onEnded(this.live.itemId, finished);
    })();
    return this.ending;
  }

  private waitForSrt(): void {
    const srt = this.settings.srt;
    if (!srt || !this.accepting() || this.run) return;
    const listen: LiveListen = {
      protocol: 'srt',
      host: srt.host,
      port: srt.port,
      passphrase: this.live.srtPassphrase,
      latencyMs: srt.latencyMs,
    };
    this.startRun(listen, null);
  }

  private startRun(listen: LiveListen, connectTimeoutMs: number | null): { handle: LiveRunHandle } {
    const number = Math.max(0, ...this.live.runs.map((r) => r.run)) + 1;
    const protocol = listen.protocol;
    const handle = startLiveRun({
      ffmpegPath: this.settings.ffmpegPath,
      listen,
      outDir: this.dir,
      run: number,
      plan: this.live.plan,
      ladder: this.settings.ladder,
      stallTimeoutMs: this.settings.stallSeconds * 1000,
      connectTimeoutMs,
      events: {
        onConnected: () => this.connected(number, protocol),
        onPlan: (plan, input, startMs) => this.planned(number, plan, input, startMs),
        onHealth: (h) => {
          this.lastHealth = h;
          this.hooks.onHealth(this.live.itemId, h);
        },
        onPlaylist: (p) => this.playlist(number, p.rung, p.init, p.segments),
      },
    });
    const entry: RunEntry = { handle, number, listen, connected: false };
    this.run = entry;
    void handle.done.then((result) => this.runEnded(entry, result));
    return entry;
  }

  private save(patch: LivePatch): Promise<void> {
    const write = this.writes.then(async () => {
      const saved = await this.store.updateLiveLecture(this.live.itemId, patch);
      if (saved) this.live = saved;
    });
    this.writes = write.catch((err: unknown) => this.log(`live ${this.live.itemId}: ${String(err)}`));
    return write;
  }

  private connected(number: number, protocol: 'rtmp' | 'srt'): void {
    if (this.run?.number === number) this.run.connected = true;
    if (this.grace) clearTimeout(this.grace);
    this.grace = null;
    const now = new Date().toISOString();
    const record: LiveRunRecord = {
      run: number,
      protocol,
      startMs: null,
      connectedAt: now,
      endedAt: null,
      reason: null,
    };
    const runs = [...this.live.runs.filter((r) => r.run !== number), record];
    this.live = { ...this.live, state: 'live', runs, startedAt: this.live.startedAt ?? now };
    void this.save({ state: 'live', runs, startedAt: this.live.startedAt });
  }

  private planned(number: number, plan: LiveLadderPlan, input: LiveInputInfo, startMs: number): void {
    const runs = this.live.runs.map((r) => (r.run === number ? { ...r, startMs } : r));
    const fixed = this.live.plan ?? plan;
    this.live = { ...this.live, runs, plan: fixed };
    void this.save({ runs, plan: fixed });
    const record = runs.find((r) => r.run === number);
    if (record) this.hooks.onRunStart(this.live.itemId, record, plan, input);
  }

  private playlist(
    number: number,
    rung: string,
    init: string | null,
    segs: LiveRunPlaylist['segments'],
  ): void {
    const startMs = this.live.runs.find((r) => r.run === number)?.startMs ?? null;
    let byRun = this.segments.get(rung);
    if (!byRun) this.segments.set(rung, (byRun = new Map<number, LiveRunPlaylist>()));
    const before = byRun.get(number)?.segments.length ?? 0;
    byRun.set(number, { run: number, startMs, init, segments: segs });
    if (segs.length > before) this.hooks.onSegment(this.live.itemId, rung);
    const runs = [...byRun.values()].sort((a, b) => a.run - b.run);
    const plan = this.live.plan;
    this.writes = this.writes
      .then(async () => {
        if (plan && !this.masterWritten) {
          this.masterWritten = await writeMaster(this.dir, plan, number, this.lastHealth?.bitrate ?? null);
        }
        await writeRungPlaylist(this.dir, rung, runs, {
          targetDuration: targetDurationOf(runs, this.settings.ladder.segmentSeconds),
          windowSeconds: this.settings.windowSeconds,
          ended: false,
        });
      })
      .catch((err: unknown) => this.log(`live ${this.live.itemId}: playlist ${rung}: ${String(err)}`));
  }

  private runEnded(entry: RunEntry, result: LiveRunResult): void {
    if (this.run?.number === entry.number) this.run = null;
    if (!entry.connected) {
      // A listener that never had a publisher (the SRT one stopped for RTMP, an RTMP push that never came).
      if (result.reason === 'no_input') this.waitForSrt();
      return;
    }
    const now = new Date().toISOString();
    const runs = this.live.runs.map((r) =>
      r.run === entry.number ? { ...r, endedAt: now, reason: result.reason } : r,
    );
    this.live = { ...this.live, runs };
    const record = runs.find((r) => r.run === entry.number);
    if (record) this.hooks.onRunEnd(this.live.itemId, record, result);
    if (this.ending) return;
    if (result.reason === 'encoder_failed' || result.reason === 'ingest_failed') {
      void this.save({ runs }).then(() => this.end(result.reason as LiveEndReason, result.message));
      return;
    }
    // The publisher left (or stalled), or its picture size changed under a copied top rung: the same playlists wait
    // for it for the grace period. An RTMP publisher whose picture changed is still connected to nginx, which does not
    // push again: nginx is told to drop it (its next update is refused), and the encoder reconnects as after any drop.
    if (result.reason === 'input_changed' && entry.listen.protocol === 'rtmp') this.dropRtmp = true;
    void this.save({ runs, state: 'reconnecting' satisfies LiveState });
    this.live = { ...this.live, state: 'reconnecting' };
    this.grace = setTimeout(() => void this.end('publisher_gone'), this.settings.graceSeconds * 1000);
    this.waitForSrt();
  }
}
