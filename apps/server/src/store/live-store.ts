import type { LiveLadderPlan } from '@coursecast/media';
import type { Item, ItemPatch, NewItem, Rendition } from './catalog-store.js';

// The catalog store's live lectures (its contract; duckdb-catalog-live.ts implements it).

/** Where a live lecture is: waiting for its publisher, receiving, waiting for it to come back, or over. */
export type LiveState = 'scheduled' | 'live' | 'reconnecting' | 'ended' | 'failed';

/** One publisher connection of a live lecture, and its encoder's run. */
export interface LiveRunRecord {
  run: number;
  protocol: 'rtmp' | 'srt';
  /** Wall time (ms) of the run's first frame; null when it never got one. */
  startMs: number | null;
  connectedAt: string;
  endedAt: string | null;
  /** Why it ended (a LiveRunEndReason); null while it runs. */
  reason: string | null;
}

/** A live lecture: the item it fills and how it goes. */
export interface LiveLecture {
  itemId: string;
  /** The RTMP stream key (the stream name an encoder publishes under). A secret: admin only. */
  streamKey: string;
  /** The SRT passphrase (10 to 79 characters). A secret: admin only. */
  srtPassphrase: string;
  state: LiveState;
  /** When the instructor means to start (the watch page counts down to it); null when unannounced. */
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Why it ended: 'ended_by_instructor', 'publisher_gone', 'server_shutdown', 'encoder_failed'... */
  endReason: string | null;
  error: string | null;
  /** The ladder, fixed at the first publish; null before. */
  plan: LiveLadderPlan | null;
  runs: LiveRunRecord[];
  createdAt: string;
  updatedAt: string;
}

/** What a caller supplies to create a live lecture. */
export type NewLiveLecture = Pick<LiveLecture, 'itemId' | 'streamKey' | 'srtPassphrase' | 'scheduledAt'>;
/** The mutable fields of a live lecture. */
export type LivePatch = Partial<
  Pick<
    LiveLecture,
    | 'streamKey'
    | 'srtPassphrase'
    | 'state'
    | 'scheduledAt'
    | 'startedAt'
    | 'endedAt'
    | 'endReason'
    | 'error'
    | 'plan'
    | 'runs'
  >
>;

/** Live lectures of the catalog. */
export interface LiveStore {
  /**
   * One transaction: the video item (status 'processing', its version `mediaVersion` from the start) and its live
   * lecture. StoreError 'not_found' when the course is missing, 'conflict' when the id exists.
   */
  createLiveItem(
    item: NewItem & { mediaVersion: string },
    live: NewLiveLecture,
  ): Promise<{ item: Item; live: LiveLecture }>;
  getLiveLecture(itemId: string): Promise<LiveLecture | null>;
  /** Those in any of `states` (every one when omitted), oldest first. */
  listLiveLectures(states?: readonly LiveState[]): Promise<LiveLecture[]>;
  /** Null when there is no such lecture. */
  updateLiveLecture(itemId: string, patch: LivePatch): Promise<LiveLecture | null>;
  /**
   * One transaction: the lecture's last state (ended or failed), the recording's renditions and the item's patch
   * (ready, its duration). StoreError 'not_found' when the lecture or its item is missing.
   */
  finishLiveLecture(
    itemId: string,
    patch: LivePatch,
    renditions: Rendition[],
    item: ItemPatch,
  ): Promise<LiveLecture>;
}
