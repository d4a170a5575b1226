import type { PlaybackPlan } from '@coursecast/media';
import { HLS_SESSION_END_REASONS } from '@coursecast/semconv';
import { AppError } from '../errors.js';
import type { Item } from '../store/index.js';
import { createJitSession, SessionError, type JitSession, type StartEncoder } from './jit-session.js';
import type { JitInstruments } from './jit-instruments.js';
import {
  createSessionRegistry,
  type SessionLimits,
  type SessionOwner,
  type SessionRegistry,
} from './session-registry.js';

/** A session's media playlist file name. */
export const JIT_PLAYLIST = 'index.m3u8';
/** A session's master playlist file name: what the playback answer's `url` names. */
export const JIT_MASTER = 'master.m3u8';

/** What the media side prepares for a new session (grid, playlist, encoder, files). */
export interface PreparedSession {
  /** Directory the segments are written to; removed when the session ends. */
  dir: string;
  /** The complete VOD media playlist, already written to `dir` as JIT_PLAYLIST (published at once). */
  playlist: string;
  /**
   * Resolves once the master playlist is in `dir` as JIT_MASTER: made at the first call, once per session (a
   * session copying a stream asks FFmpeg then what it writes), rejected with the reason it failed.
   */
  master(): Promise<void>;
  segmentCount: number;
  /** Files written once at preparation besides the playlists (the subtitles renditions, `subs/...`). */
  staticFiles: ReadonlySet<string>;
  /** File name of segment `index`, e.g. `seg_00012.ts`. */
  segmentFile(index: number): string;
  /** Inverse of segmentFile; null when `file` is not a segment name. */
  segmentIndex(file: string): number | null;
  startEncoder: StartEncoder;
  cleanup(): Promise<void>;
}

/** Builds the media side of a session (packages/media's grid and encoder, or a fake in tests). */
export type PrepareSession = (sessionId: string, item: Item, plan: PlaybackPlan) => Promise<PreparedSession>;

export interface JitServiceOptions extends SessionLimits {
  prepare: PrepareSession;
  instruments: JitInstruments;
  lookahead: number;
  segmentTimeoutMs: number;
}

/** What the origin serves for a session path: a file in the session's directory. */
export interface SessionObject {
  dir: string;
  file: string;
}

/** Just-in-time sessions: open them for plans, serve their playlists and segments, end them. */
export interface JitService {
  /**
   * The viewer's session for this plan (reused or new); 503 at the cap. `requestedAt` (performance.now())
   * is when the playback request arrived: start-up durations count from it, the preparation included.
   */
  open(item: Item, plan: PlaybackPlan, owner: SessionOwner, requestedAt?: number): Promise<JitSession>;
  /** The session's capability token (in its heartbeat and end URLs). */
  token(sessionId: string): string | undefined;
  /** Resolves a session path for the origin, waiting for the encoder when needed; AppError otherwise. */
  resolve(itemId: string, sessionId: string, file: string): Promise<SessionObject>;
  /** Keeps the session alive; 404 unless `token` is the session's. */
  heartbeat(sessionId: string, token: string): void;
  /** Ends the session; 404 unless `token` is the session's. */
  close(sessionId: string, token: string): Promise<void>;
  list(): { session: JitSession; prepared: PreparedSession }[];
  /** Ends every session of a deleted item (its encoders stop before its files go). */
  endItem(itemId: string): Promise<void>;
  shutdown(): Promise<void>;
}

const ENDED_MEMORY = 1000;

/** Creates the service and its registry (whose reaper runs until shutdown). */
export function createJitService(o: JitServiceOptions): JitService {
  const prepared = new Map<string, PreparedSession>();
  // Sessions whose playlist was not served yet, with the time their playback request arrived.
  const awaitingPlaylist = new Map<string, number>();
  // Recently ended sessions answer 410 rather than 404, so a player can tell "expired" from "wrong link".
  const ended: string[] = [];
  const registry: SessionRegistry = createSessionRegistry(
    o,
    async (id, item, plan, requestedAt) => {
      const media = await o.prepare(id, item, plan);
      prepared.set(id, media);
      awaitingPlaylist.set(id, requestedAt);
      return createJitSession({
        id,
        itemId: item.id,
        plan,
        segmentCount: media.segmentCount,
        startEncoder: media.startEncoder,
        observer: o.instruments.observe({ id, itemId: item.id, plan, requestedAt }),
        lookahead: o.lookahead,
        segmentTimeoutMs: o.segmentTimeoutMs,
      });
    },
    (session) => {
      const media = prepared.get(session.id);
      prepared.delete(session.id);
      awaitingPlaylist.delete(session.id);
      ended.push(session.id);
      if (ended.length > ENDED_MEMORY) ended.shift();
      void media?.cleanup();
    },
  );
  o.instruments.observeActive(() => registry.list().map((s) => s.plan));

  function live(sessionId: string, itemId: string | null): { session: JitSession; media: PreparedSession } {
    const session = registry.peek(sessionId);
    const media = prepared.get(sessionId);
    if (!session || !media || (itemId !== null && session.itemId !== itemId)) {
      // Out of the registry but not yet cleaned up: its encoder is stopping, and it has ended all the same.
      const ending = !session && media !== undefined;
      if (ending || ended.includes(sessionId)) {
        throw new AppError('session_ended', `session ${sessionId} has ended`);
      }
      throw new AppError('session_not_found', `No playback session ${sessionId}`);
    }
    if (session.endReason) {
      throw new AppError('session_ended', `session ${sessionId} has ended (${session.endReason})`);
    }
    return { session, media };
  }

  return {
    open: (item, plan, owner, requestedAt) => registry.open(item, plan, owner, requestedAt),
    token: (sessionId) => registry.token(sessionId),
    async resolve(itemId, sessionId, file) {
      const { session, media } = live(sessionId, itemId);
      if (file === JIT_MASTER) {
        session.touch();
        try {
          await media.master();
        } catch (err) {
          live(sessionId, itemId); // a session that ended meanwhile (its probe cancelled) answers as ended
          throw new AppError(
            'transcode_failed',
            `the master playlist of session ${sessionId} could not be made: ${(err as Error).message}`,
          );
        }
        return { dir: media.dir, file: JIT_MASTER };
      }
      if (file === JIT_PLAYLIST) {
        session.touch();
        const requestedAt = awaitingPlaylist.get(sessionId);
        if (requestedAt !== undefined) {
          awaitingPlaylist.delete(sessionId);
          o.instruments.sessionStarted(session.plan, (performance.now() - requestedAt) / 1000);
        }
        return { dir: media.dir, file: JIT_PLAYLIST };
      }
      if (media.staticFiles.has(file)) {
        session.touch();
        return { dir: media.dir, file };
      }
      const index = media.segmentIndex(file);
      if (index === null)
        throw new AppError('object_not_found', `${file} is not a segment of session ${sessionId}`);
      try {
        await session.segment(index);
      } catch (err) {
        if (!(err instanceof SessionError)) throw err;
        throw sessionAppError(err);
      }
      return { dir: media.dir, file: media.segmentFile(index) };
    },
    heartbeat(sessionId, token) {
      live(sessionId, null);
      registry.authorize(sessionId, token).touch();
    },
    async close(sessionId, token) {
      live(sessionId, null);
      registry.authorize(sessionId, token);
      await registry.end(sessionId, HLS_SESSION_END_REASONS.clientClosed);
    },
    list: () =>
      registry.list().flatMap((session) => {
        const media = prepared.get(session.id);
        return media ? [{ session, prepared: media }] : [];
      }),
    endItem: (itemId) => registry.endItem(itemId),
    shutdown: () => registry.shutdown(),
  };
}

function sessionAppError(err: SessionError): AppError {
  switch (err.code) {
    case 'segment_not_found':
      return new AppError('object_not_found', err.message);
    case 'session_ended':
      return new AppError('session_ended', err.message);
    case 'segment_timeout':
      return new AppError('segment_timeout', err.message);
    case 'encoder_failed':
      return new AppError('transcode_failed', err.message);
  }
}
