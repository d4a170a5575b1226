import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { PlaybackPlan } from '@coursecast/media';
import { HLS_SESSION_END_REASONS } from '@coursecast/semconv';
import { AppError } from '../errors.js';
import { newId, type Item } from '../store/index.js';
import type { JitSession } from './jit-session.js';

/** Settings of the registry (from config). */
export interface SessionLimits {
  maxSessions: number;
  /** Sessions one client (clientKey) may have open or being built at once; more get 429. */
  maxSessionsPerClient: number;
  /** A session with no segment request and no heartbeat for this long is reaped. */
  idleTimeoutMs: number;
  reapIntervalMs: number;
}

/**
 * Builds a session once the registry has given it an id and a slot; `requestedAt` (performance.now()) is
 * when the playback request arrived, the start of the session's start-up figures.
 */
export type SessionFactory = (
  id: string,
  item: Item,
  plan: PlaybackPlan,
  requestedAt: number,
) => Promise<JitSession>;

/** Who opens a session: the client (its clientKey, from the connection) and the viewer id its player sent. */
export interface SessionOwner {
  client: string;
  viewer: string | null;
}

/** The live just-in-time sessions of this server: at most `maxSessions`, idle ones reaped. */
export interface SessionRegistry {
  /**
   * The viewer's live session for this item and plan, or a new one; a viewer is its id on its client, so a
   * stranger naming someone's viewer id gets a session of its own. A viewer's older session of the same item
   * with another plan ends as `replaced`. Throws AppError 503 (`sessions_full`) at the cap, 429 (`rate_limited`)
   * beyond the client's own limit.
   */
  open(item: Item, plan: PlaybackPlan, owner: SessionOwner, requestedAt?: number): Promise<JitSession>;
  /** The session's capability token: whoever holds it may heartbeat or end the session. */
  token(id: string): string | undefined;
  /** The live session the token opens; AppError 404 (`session_not_found`) otherwise, the same for a wrong token. */
  authorize(id: string, token: string): JitSession;
  /** A live session. */
  get(id: string): JitSession | undefined;
  /** A session still registered, ended or not (an ended one is removed at the next reap). */
  peek(id: string): JitSession | undefined;
  /** Ends a session now and forgets it. */
  end(id: string, reason: Parameters<JitSession['end']>[0]): Promise<void>;
  /** Ends every session of an item (it was deleted), those still being built included. */
  endItem(itemId: string): Promise<void>;
  list(): JitSession[];
  /** Ends every session (server shutdown): their encoders are killed and files removed. */
  shutdown(): Promise<void>;
}

function planKey(plan: PlaybackPlan): string {
  return `${plan.mode}|${plan.video.action}|${plan.video.height ?? ''}|${plan.video.bitrate ?? ''}|${plan.audio.action}`;
}

/** Creates the registry and starts its reaper (stopped by shutdown). */
export function createSessionRegistry(
  limits: SessionLimits,
  factory: SessionFactory,
  onEnded: (session: JitSession) => void = () => {},
): SessionRegistry {
  const sessions = new Map<
    string,
    { session: JitSession; viewer: string | null; client: string; key: string; token: string }
  >();
  // Sessions being built, per client: the client's limit counts them too.
  const buildingBy = new Map<string, number>();
  // Ended sessions wait for the reaper to be forgotten, but hold no slot meanwhile.
  const live = () => [...sessions.values()].filter((e) => e.session.endReason === null);
  const ownedBy = (client: string): number =>
    (buildingBy.get(client) ?? 0) + live().filter((e) => e.client === client).length;

  async function end(id: string, reason: Parameters<JitSession['end']>[0]): Promise<void> {
    const entry = sessions.get(id);
    if (!entry) return;
    sessions.delete(id);
    await entry.session.end(reason);
    onEnded(entry.session);
  }

  const reaper = setInterval(() => {
    for (const { session } of sessions.values()) {
      if (session.endReason) {
        void end(session.id, session.endReason);
      } else if (session.idleMs() > limits.idleTimeoutMs) {
        const done = session.written() === session.segmentCount;
        void end(session.id, done ? HLS_SESSION_END_REASONS.completed : HLS_SESSION_END_REASONS.timeout);
      }
    }
  }, limits.reapIntervalMs);
  reaper.unref();

  // Slots taken by sessions still being built: the cap counts them, so concurrent opens can't overshoot it
  // while a factory awaits (probe, playlist, encoder start).
  let building = 0;
  // A viewer's opens of one item and plan that are still being built: a second request joins the first.
  const opening = new Map<string, Promise<JitSession>>();
  let closed = false;
  // Builds in flight per item, and the items deleted while one was: such a session ends as soon as it is built.
  const buildingFor = new Map<string, number>();
  const deleted = new Set<string>();

  /** Takes a slot now (before any await), builds the session, and registers it; the slot is freed on failure. */
  async function build(
    item: Item,
    plan: PlaybackPlan,
    owner: SessionOwner,
    key: string,
    requestedAt: number,
  ) {
    if (closed) throw new AppError('shutting_down', 'the server is shutting down: no new sessions');
    if (ownedBy(owner.client) >= limits.maxSessionsPerClient) {
      throw new AppError(
        'rate_limited',
        `${owner.client} already has ${limits.maxSessionsPerClient} just-in-time sessions open; end one first`,
        { retryAfterSeconds: Math.max(1, Math.ceil(limits.idleTimeoutMs / 1000)) },
      );
    }
    if (live().length + building >= limits.maxSessions) {
      const retryAfter = Math.max(1, Math.ceil(limits.idleTimeoutMs / 1000 / 4));
      throw new AppError('sessions_full', `all ${limits.maxSessions} just-in-time sessions are in use`, {
        retryAfterSeconds: retryAfter,
      });
    }
    building += 1;
    buildingBy.set(owner.client, (buildingBy.get(owner.client) ?? 0) + 1);
    buildingFor.set(item.id, (buildingFor.get(item.id) ?? 0) + 1);
    let session: JitSession;
    let itemDeleted: boolean;
    try {
      session = await factory(newId('ses'), item, plan, requestedAt);
    } finally {
      building -= 1;
      const mine = (buildingBy.get(owner.client) ?? 1) - 1;
      if (mine > 0) buildingBy.set(owner.client, mine);
      else buildingBy.delete(owner.client);
      itemDeleted = deleted.has(item.id);
      const left = (buildingFor.get(item.id) ?? 1) - 1;
      if (left > 0) buildingFor.set(item.id, left);
      else {
        buildingFor.delete(item.id);
        deleted.delete(item.id);
      }
    }
    const token = randomBytes(18).toString('base64url');
    sessions.set(session.id, { session, viewer: owner.viewer, client: owner.client, key, token });
    if (itemDeleted) {
      await end(session.id, HLS_SESSION_END_REASONS.itemDeleted);
      throw new AppError('item_not_found', `item ${item.id} was deleted`);
    }
    // Shut down while it was being built: it ends with the others rather than outliving the server.
    if (closed) {
      await end(session.id, HLS_SESSION_END_REASONS.shutdown);
      throw new AppError('shutting_down', 'the server is shutting down: no new sessions');
    }
    return session;
  }

  return {
    async open(item, plan, owner, requestedAt = performance.now()) {
      const itemId = item.id;
      const key = `${itemId}|${planKey(plan)}`;
      if (owner.viewer === null) return build(item, plan, owner, key, requestedAt);
      const viewerKey = `${owner.client}|${owner.viewer}|${key}`;
      const joining = opening.get(viewerKey);
      if (joining) return joining;
      for (const entry of [...sessions.values()]) {
        const theirs = entry.viewer === owner.viewer && entry.client === owner.client;
        if (!theirs || entry.session.itemId !== itemId || entry.session.endReason) continue;
        if (entry.key === key) {
          entry.session.touch();
          return entry.session;
        }
        await end(entry.session.id, HLS_SESSION_END_REASONS.replaced);
      }
      // Checked again: another request of this viewer may have started building while we ended its old one.
      const started = opening.get(viewerKey);
      if (started) return started;
      const pending = build(item, plan, owner, key, requestedAt).finally(() => opening.delete(viewerKey));
      opening.set(viewerKey, pending);
      return pending;
    },
    get(id) {
      const entry = sessions.get(id);
      return entry && !entry.session.endReason ? entry.session : undefined;
    },
    peek: (id) => sessions.get(id)?.session,
    token: (id) => sessions.get(id)?.token,
    authorize(id, token) {
      const entry = sessions.get(id);
      const given = Buffer.from(token);
      const held = Buffer.from(entry?.token ?? '');
      // Compared in constant time; a wrong token is answered as an unknown session, so it tells nothing.
      if (!entry || given.length !== held.length || !timingSafeEqual(given, held)) {
        throw new AppError('session_not_found', `No playback session ${id} for this token`);
      }
      return entry.session;
    },
    end,
    async endItem(itemId) {
      if (buildingFor.has(itemId)) deleted.add(itemId);
      const ids = [...sessions.values()].filter((e) => e.session.itemId === itemId).map((e) => e.session.id);
      await Promise.all(ids.map((id) => end(id, HLS_SESSION_END_REASONS.itemDeleted)));
    },
    list: () => [...sessions.values()].map((e) => e.session),
    async shutdown() {
      closed = true;
      clearInterval(reaper);
      await Promise.all([...sessions.keys()].map((id) => end(id, HLS_SESSION_END_REASONS.shutdown)));
    },
  };
}
