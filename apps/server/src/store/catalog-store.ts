import type { DocumentSource, PackageSource } from '@coursecast/api';
import type { MediaInfo } from '@coursecast/media';
import type { ItemStatus, JobState, TranscodeMode } from '@coursecast/semconv';
import type { CaptionStore } from './caption-store.js';
import type { LiveStore } from './live-store.js';
import type { LtiStore } from './lti-store.js';
import type { ProgressStore } from './progress-store.js';
import type { StoreHealthSource } from './store-health.js';

// The catalog's repository contract. Plain data only (ISO-8601 strings, numbers, JSON objects) so the
// embedded DuckDB store and a later PostgreSQL one are interchangeable behind it.

/** A course: a titled, ordered collection of items. */
export interface Course {
  id: string;
  title: string;
  description: string;
  /** On the public home page's catalog; otherwise reachable only by its link. */
  listed: boolean;
  createdAt: string;
}

/**
 * What an item knows of its source, by its kind: a video's probe, a document's format and file name, a
 * package's summary (stored as JSON in these shapes; the API answers them as the item's `source`).
 */
export type ItemSourceInfo =
  | { kind: 'video'; sourceInfo: MediaInfo | null }
  | { kind: 'document'; sourceInfo: DocumentSource | null }
  | { kind: 'interactive'; sourceInfo: PackageSource | null };

/** What every item has, whatever its kind. */
export interface ItemFields {
  id: string;
  courseId: string;
  title: string;
  status: ItemStatus;
  /** Path relative to the data dir, so the data dir can move. */
  sourceFile: string | null;
  sourceBytes: number | null;
  durationSeconds: number | null;
  posterFile: string | null;
  /** Directory name (under the item's media dir) of the published renditions; null until published. */
  mediaVersion: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A lecture (video, document or interactive) in a course: `kind` says what its `sourceInfo` is. */
export type Item = ItemFields & ItemSourceInfo;

/** One rung of an item's HLS ladder. */
export interface Rendition {
  itemId: string;
  name: string;
  width: number;
  height: number;
  averageBitrate: number;
  peakBitrate: number;
  codecs: string;
  mode: TranscodeMode;
  /** Relative to the item's media dir. */
  playlist: string;
  segmentCount: number;
  bytes: number;
}

/** A unit of background work on an item. */
export interface Job {
  id: string;
  itemId: string;
  kind: 'transcode';
  state: JobState;
  /** 0..100 */
  progress: number;
  speed: number | null;
  etaSeconds: number | null;
  attempts: number;
  maxAttempts: number;
  /** Attempts a crash of the server cut short (counted at start-up). */
  interruptions: number;
  error: string | null;
  errorType: string | null;
  runAfter: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

/** What a caller supplies to create a course. */
export type NewCourse = Pick<Course, 'id' | 'title' | 'description'> & { listed?: boolean };
/** The mutable fields of a course. */
export type CoursePatch = Partial<Pick<Course, 'title' | 'description' | 'listed'>>;
/** What a caller supplies to create an item; its status starts as 'processing'. */
export type NewItem = Pick<
  ItemFields,
  'id' | 'courseId' | 'title' | 'sourceFile' | 'sourceBytes' | 'durationSeconds'
> &
  ItemSourceInfo;
/** What a caller supplies to create a job; it starts 'queued', runnable now. */
export type NewJob = Pick<Job, 'id' | 'itemId' | 'maxAttempts'>;
/** The mutable fields of an item. */
export type ItemPatch = Partial<
  Pick<ItemFields, 'status' | 'error' | 'posterFile' | 'mediaVersion' | 'title' | 'durationSeconds'>
>;
/** The mutable fields of a job. */
export type JobPatch = Partial<
  Pick<
    Job,
    | 'state'
    | 'progress'
    | 'speed'
    | 'etaSeconds'
    | 'attempts'
    | 'error'
    | 'errorType'
    | 'runAfter'
    | 'startedAt'
    | 'finishedAt'
  >
>;
/** Filter for listJobs; every field narrows the result. */
export interface JobFilter {
  state?: JobState;
  itemId?: string;
  /** A positive integer. */
  limit?: number;
}

/**
 * Persistence of courses, items, renditions and jobs. Every resolved write is committed and durable. Its health
 * says whether it can write (readiness); after a fatal database error it reopens by itself.
 */
export interface CatalogStore extends StoreHealthSource, LtiStore, ProgressStore, CaptionStore, LiveStore {
  /** Rejects with StoreError 'conflict' when the id exists. */
  createCourse(course: NewCourse): Promise<Course>;
  /** Newest first. */
  listCourses(): Promise<Course[]>;
  /** The listed courses, newest first, at most `limit`. */
  listListedCourses(limit: number): Promise<Course[]>;
  getCourse(id: string): Promise<Course | null>;
  /** Null when there is no such course. */
  updateCourse(id: string, patch: CoursePatch): Promise<Course | null>;
  /** False when there is no such course; StoreError 'conflict' (nothing deleted) while it still has items. */
  deleteCourse(id: string): Promise<boolean>;
  /** One transaction; StoreError 'not_found' (and nothing written) when the course is missing. */
  createItemWithJob(item: NewItem, job: NewJob): Promise<{ item: Item; job: Job }>;
  /**
   * An item whose files are already published (a document, an unpacked package): status 'ready' with
   * `mediaVersion`, no job. StoreError 'not_found' (and nothing written) when the course is missing.
   */
  createReadyItem(item: NewItem & { mediaVersion: string }): Promise<Item>;
  getItem(id: string): Promise<Item | null>;
  /**
   * Queues another job for an existing item (a re-transcode). StoreError 'not_found' when the item is missing,
   * 'conflict' when the job id exists or the item already has a queued or running job.
   */
  createJob(job: NewJob): Promise<Job>;
  /** In upload order (oldest first). */
  listItems(courseId: string): Promise<Item[]>;
  /** Null when the item does not exist. */
  updateItem(id: string, patch: ItemPatch): Promise<Item | null>;
  /**
   * Deletes the item, its renditions, jobs, caption tracks and live lecture in one transaction; false when it did not
   * exist.
   */
  deleteItem(id: string): Promise<boolean>;
  /** Highest first. */
  listRenditions(itemId: string): Promise<Rendition[]>;
  /**
   * One transaction: replaces the job's item's renditions, patches the item and marks the job succeeded
   * (progress 100, finishedAt now). StoreError 'not_found' when the job or its item is missing.
   */
  completeTranscode(jobId: string, renditions: Rendition[], item: ItemPatch): Promise<void>;
  getJob(id: string): Promise<Job | null>;
  /** Newest first. */
  listJobs(filter?: JobFilter): Promise<Job[]>;
  /** Null when the job does not exist. */
  updateJob(id: string, patch: JobPatch): Promise<Job | null>;
  /**
   * Atomically takes the oldest queued job whose runAfter <= now: it becomes running, attempts+1,
   * startedAt now, error cleared. Null when none is due.
   */
  claimNextJob(now?: Date): Promise<Job | null>;
  /**
   * At start-up: every 'running' job (its process died with us) counts the interruption and goes back to
   * 'queued', runnable now; one whose attempts are all spent fails instead ("interrupted N times").
   */
  requeueInterruptedJobs(): Promise<{ requeued: Job[]; failed: Job[] }>;
  /** Every state present, zeros included. */
  countJobsByState(): Promise<Record<JobState, number>>;
  /** Waits for queued work, then releases the database. Later calls reject with StoreError 'closed'. */
  close(): Promise<void>;
}

/** Why a store call failed, stable across store implementations. */
export const STORE_ERROR_CODES = {
  notFound: 'not_found',
  conflict: 'conflict',
  invalid: 'invalid',
  closed: 'closed',
  /** The file is not a database of ours, or is damaged. */
  corrupt: 'corrupt',
  /** Another process (or another store in this one) has the database open. */
  locked: 'locked',
  migrationFailed: 'migration_failed',
  /** The database failed fatally (a full disk) and is reopening by itself: retry later. */
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
/** One of STORE_ERROR_CODES. */
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[keyof typeof STORE_ERROR_CODES];

/** A failed store call; `code` is what callers branch on, the message is for people. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `err` is a StoreError, with the given code if one is passed. */
export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
