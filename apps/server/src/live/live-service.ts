import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { DEFAULT_LIVE_LADDER_OPTIONS, type LiveLadderOptions, type PlaybackPlan } from '@coursecast/media';
import type { MediaPaths } from '../catalog/media-paths.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { newId } from '../store/ids.js';
import type { CatalogStore, Item, LiveLecture } from '../store/index.js';
import { finishLecture } from './live-finish.js';
import { LiveLectureRuntime, type LiveEndReason, type LiveLectureHooks } from './live-lecture.js';
import { startRtmpIngest, type PublishVerdict, type RtmpIngest } from './rtmp-ingest.js';

/** What the live service needs. */
export interface LiveServiceDeps {
  store: CatalogStore;
  paths: MediaPaths;
  config: Config['live'];
  /** The host name encoders are told to publish to. */
  publicHost: () => string;
  ffmpegPath: string;
  hooks: LiveLectureHooks;
  log: (message: string) => void;
}

/** A lecture as the routes answer it, with where encoders publish. */
export interface LiveView {
  item: Item;
  live: LiveLecture;
  runtime: LiveLectureRuntime | null;
  ingest: {
    rtmp: { url: string; streamKey: string };
    srt: { url: string; passphrase: string; obsUrl: string } | null;
  };
}

const OPEN_STATES = ['scheduled', 'live', 'reconnecting'] as const;

/** What a live lecture's ladder is, as a playback plan says it (the input as its source). */
function livePlan(live: LiveLecture, mode: 'live' | 'vod'): PlaybackPlan {
  const top = live.plan?.rungs[0] ?? null;
  const audio = live.plan?.audio ?? null;
  return {
    mode,
    reasons: [],
    source: {
      container: 'live',
      videoCodec: top ? 'h264' : null,
      audioCodec: audio ? 'aac' : null,
      height: top?.height ?? null,
      bitrate: null,
    },
    video: top
      ? { action: top.mode, codec: 'h264', height: top.height, bitrate: top.bitrate, maxrate: null }
      : { action: 'none', codec: null, height: null, bitrate: null, maxrate: null },
    audio: audio
      ? { action: 'encode', codec: 'aac', bitrate: audio.bitrate }
      : { action: 'none', codec: null, bitrate: null },
  };
}
const secret = (bytes: number): string => randomBytes(bytes).toString('base64url');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, host === '0.0.0.0' ? '127.0.0.1' : host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Live lectures: creating them (an item filled by a publisher), the RTMP ingest that asks about every publish, one
 * runtime per open lecture (its SRT listener, its runs), ending them into recordings, and at start-up finishing the
 * lectures a crash cut short.
 */
export class LiveService {
  private readonly runtimes = new Map<string, LiveLectureRuntime>();
  private readonly srtPorts = new Map<string, number>();
  private rtmp: RtmpIngest | null = null;
  private rtmpStarting: Promise<void> | null = null;
  private closing = false;

  constructor(private readonly deps: LiveServiceDeps) {}

  /** The RTMP port encoders publish to (after start). */
  rtmpPort(): number | null {
    return this.rtmp?.port ?? null;
  }

  /** Finishes what a crash cut short and reopens the lectures still waiting for their publisher. */
  async start(): Promise<void> {
    const { store } = this.deps;
    for (const live of await store.listLiveLectures(['live', 'reconnecting'])) {
      const item = await store.getItem(live.itemId);
      if (!item?.mediaVersion) continue;
      const dir = this.deps.paths.versionDir(live.itemId, item.mediaVersion);
      await finishLecture({
        ...this.finishSettings(),
        store,
        live,
        dir,
        reason: 'server_restart',
        error: null,
      });
    }
    for (const live of await store.listLiveLectures(['scheduled'])) await this.openRuntime(live);
  }

  /**
   * The RTMP ingest, started with the first open lecture (a server without live lectures runs no nginx). A failure
   * is logged and retried at the next lecture: SRT works without it.
   */
  private async ensureRtmp(): Promise<void> {
    if (this.rtmp || this.closing) return;
    const c = this.deps.config;
    this.rtmpStarting ??= startRtmpIngest({
      nginxPath: c.nginxPath,
      modulePath: c.rtmpModulePath,
      listenHost: c.listenHost,
      port: c.rtmpPort,
      authorize: (key) => this.authorize(key),
      publishDone: () => {},
      stillWanted: (key) => this.runtimeOfKey(key)?.wantsPublisher() ?? false,
      log: this.deps.log,
    })
      .then((rtmp) => {
        this.rtmp = rtmp;
      })
      .catch((err: unknown) => {
        this.deps.log(`live: RTMP ingest unavailable: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.rtmpStarting = null;
      });
    await this.rtmpStarting;
  }

  /** Creates a live lecture in a course: its item (processing until it ends), its secrets, its SRT listener. */
  async create(courseId: string, title: string, scheduledAt: string | null): Promise<LiveView> {
    const open = await this.deps.store.listLiveLectures(OPEN_STATES);
    if (open.length >= this.deps.config.maxOpen) {
      throw new AppError(
        'live_capacity',
        `${open.length} live lectures are open; end one first (limit ${this.deps.config.maxOpen})`,
      );
    }
    const id = newId('itm');
    const created = await this.deps.store.createLiveItem(
      {
        id,
        courseId,
        kind: 'video',
        title,
        sourceFile: null,
        sourceBytes: null,
        sourceInfo: null,
        durationSeconds: null,
        mediaVersion: newId('ver'),
      },
      { itemId: id, streamKey: `${id}.${secret(18)}`, srtPassphrase: secret(24), scheduledAt },
    );
    await this.openRuntime(created.live);
    return this.view(created.item, this.runtimes.get(id)?.lecture() ?? created.live);
  }

  /** The lecture of an item; AppError not_live when the item is not one. */
  async get(itemId: string): Promise<LiveView> {
    const item = await this.deps.store.getItem(itemId);
    if (!item) throw new AppError('item_not_found', `No item with id ${itemId}`);
    const live = this.runtimes.get(itemId)?.lecture() ?? (await this.deps.store.getLiveLecture(itemId));
    if (!live) throw new AppError('not_live', `item ${itemId} is not a live lecture`);
    return this.view(item, live);
  }

  /**
   * The playback plan of a live lecture: `live` while it is open, `vod` once its recording is ready; null for an
   * item that is not a live lecture (or one that ended without a recording).
   */
  async plan(itemId: string): Promise<{ plan: PlaybackPlan; version: string } | null> {
    const runtime = this.runtimes.get(itemId);
    const live = runtime?.lecture() ?? (await this.deps.store.getLiveLecture(itemId));
    if (!live) return null;
    const item = await this.deps.store.getItem(itemId);
    if (!item?.mediaVersion) return null;
    if (!runtime && item.status !== 'ready') return null;
    return { plan: livePlan(live, runtime ? 'live' : 'vod'), version: item.mediaVersion };
  }

  /** Lectures with a publisher connected now. */
  publishingCount(): number {
    let n = 0;
    for (const r of this.runtimes.values()) if (r.publishing()) n++;
    return n;
  }

  /** Whether an item is a live lecture that has not ended (its playback is live). */
  isOpen(itemId: string): boolean {
    return this.runtimes.has(itemId);
  }

  /** Ends a lecture: its recording becomes the item's ladder. AppError live_ended when it already has. */
  async end(itemId: string, reason: LiveEndReason = 'ended_by_instructor'): Promise<LiveView> {
    const view = await this.get(itemId);
    const runtime = this.runtimes.get(itemId);
    if (!runtime)
      throw new AppError('live_ended', `live lecture ${itemId} ended ${view.live.endedAt ?? ''}`.trim());
    await runtime.end(reason);
    return this.get(itemId);
  }

  /** Ends every open lecture (shutdown): their playlists end, their recordings are kept. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.runtimes.values()].map((r) => r.end('server_shutdown').catch(() => {})));
    await this.rtmpStarting;
    await this.rtmp?.stop();
  }

  private finishSettings(): { windowSeconds: number; segmentSeconds: number } {
    return { windowSeconds: this.deps.config.windowSeconds, segmentSeconds: this.deps.config.segmentSeconds };
  }

  private ladder(): LiveLadderOptions {
    const c = this.deps.config;
    return {
      ...DEFAULT_LIVE_LADDER_OPTIONS,
      heights: c.ladder,
      maxHeight: c.maxHeight,
      segmentSeconds: c.segmentSeconds,
      preset: c.preset,
    };
  }

  private async srtPort(itemId: string): Promise<number | null> {
    const [first, last] = this.deps.config.srtPorts;
    if (first === 0) return freeUdpPort(this.deps.config.listenHost);
    const taken = new Set(this.srtPorts.values());
    for (let p = first; p <= last; p++) if (!taken.has(p)) return p;
    this.deps.log(`live ${itemId}: no SRT port left in ${first}-${last}: SRT is off for it`);
    return null;
  }

  private async openRuntime(live: LiveLecture): Promise<void> {
    const item = await this.deps.store.getItem(live.itemId);
    if (!item?.mediaVersion || this.closing) return;
    const port = await this.srtPort(live.itemId);
    if (port !== null) this.srtPorts.set(live.itemId, port);
    const c = this.deps.config;
    const runtime = new LiveLectureRuntime(
      live,
      this.deps.paths.versionDir(live.itemId, item.mediaVersion),
      this.deps.store,
      {
        ffmpegPath: this.deps.ffmpegPath,
        ladder: this.ladder(),
        windowSeconds: c.windowSeconds,
        graceSeconds: c.graceSeconds,
        stallSeconds: c.stallSeconds,
        srt: port === null ? null : { host: c.listenHost, port, latencyMs: c.srtLatencyMs },
      },
      {
        ...this.deps.hooks,
        onEnded: (itemId, lecture) => {
          this.runtimes.delete(itemId);
          this.srtPorts.delete(itemId);
          this.deps.hooks.onEnded(itemId, lecture);
        },
      },
      this.deps.log,
    );
    this.runtimes.set(live.itemId, runtime);
    await runtime.open();
    await this.ensureRtmp();
  }

  private runtimeOfKey(key: string): LiveLectureRuntime | null {
    const itemId = key.slice(0, key.indexOf('.'));
    const runtime = this.runtimes.get(itemId);
    if (!runtime || !sameSecret(runtime.lecture().streamKey, key)) return null;
    return runtime;
  }

  private async authorize(key: string): Promise<PublishVerdict> {
    const runtime = this.runtimeOfKey(key);
    if (!runtime) return { refuse: 'unknown stream key' };
    return runtime.acceptRtmp();
  }

  /** The lecture's answer: its ingest URLs (the public host), its playback URL. */
  view(item: Item, live: LiveLecture): LiveView {
    const c = this.deps.config;
    const host = this.deps.publicHost();
    const port = this.srtPorts.get(live.itemId) ?? null;
    return {
      item,
      live,
      runtime: this.runtimes.get(live.itemId) ?? null,
      ingest: {
        rtmp: { url: `rtmp://${host}:${this.rtmp?.port ?? c.rtmpPort}/live`, streamKey: live.streamKey },
        srt:
          port === null
            ? null
            : {
                url: `srt://${host}:${port}`,
                passphrase: live.srtPassphrase,
                obsUrl: `srt://${host}:${port}?passphrase=${live.srtPassphrase}&pbkeylen=16&latency=${c.srtLatencyMs * 1000}`,
              },
      },
    };
  }
}
