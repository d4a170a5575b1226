import {
  ITEM_KINDS,
  ITEM_STATUSES,
  JOB_STATES,
  TRANSCODE_MODES,
  type ItemKind,
  type ItemStatus,
  type JobState,
  type TranscodeMode,
} from '@coursecast/semconv';
import type { DocumentSource, PackageSource } from '@coursecast/api';
import type { MediaInfo } from '@coursecast/media';
import type { Course, Item, ItemSourceInfo, Job, Rendition } from './catalog-store.js';
import type { SqlRow } from './duckdb-database.js';
import {
  readJsonObject,
  readNullableNumber,
  readNullableString,
  readNullableTimestamp,
  readNumber,
  readOneOf,
  readString,
  readTimestamp,
} from './duckdb-values.js';

// Column lists are spelled once here so every SELECT and RETURNING yields what the mappers read.

/** Columns of a Course row. */
export const COURSE_COLUMNS = 'id, title, description, listed, created_at';
/** Columns of an Item row. */
export const ITEM_COLUMNS =
  'id, course_id, kind, title, status, source_file, source_bytes, source_info, duration_seconds, ' +
  'poster_file, media_version, error, created_at, updated_at';
/** Columns of a Rendition row. */
export const RENDITION_COLUMNS =
  'item_id, name, width, height, average_bitrate, peak_bitrate, codecs, mode, playlist, segment_count, bytes';
/** Columns of a Job row. */
export const JOB_COLUMNS =
  'id, item_id, kind, state, progress, speed, eta_seconds, attempts, max_attempts, ' +
  'coalesce(interruptions, 0) AS interruptions, error, error_type, run_after, created_at, started_at, ' +
  'finished_at, updated_at';

const KINDS = Object.values(ITEM_KINDS) as ItemKind[];
const STATUSES = Object.values(ITEM_STATUSES) as ItemStatus[];
const MODES = Object.values(TRANSCODE_MODES) as TranscodeMode[];
const STATES = Object.values(JOB_STATES) as JobState[];
const JOB_KINDS = ['transcode'] as const;

/** A courses row as a Course. */
export function courseFromRow(row: SqlRow): Course {
  return {
    id: readString(row, 'id'),
    title: readString(row, 'title'),
    description: readString(row, 'description'),
    listed: row.listed === true,
    createdAt: readTimestamp(row, 'created_at'),
  };
}

/**
 * Sources probed before variable frame rate was told apart (ADR 0009) were stored without it: they read back
 * as the planner then saw them, constant at their average rate. Those probed before subtitle streams were read
 * have none.
 */
function withFrameTiming(info: MediaInfo | null): MediaInfo | null {
  if (!info) return info;
  // The stored JSON may predate a field: read as possibly absent, whatever the type says.
  type Video = NonNullable<MediaInfo['video']>;
  const stored: Omit<MediaInfo, 'subtitles' | 'audioTracks'> &
    Partial<Pick<MediaInfo, 'subtitles' | 'audioTracks'>> = info;
  // A source probed before every audio stream was listed: its one known stream, untagged.
  const primary = info.audio
    ? [{ ...info.audio, language: null, title: null, default: true, description: false }]
    : [];
  const current: MediaInfo = {
    ...info,
    subtitles: stored.subtitles ?? [],
    audioTracks: stored.audioTracks ?? primary,
  };
  const v: (Omit<Video, 'nominalFrameRate'> & { nominalFrameRate?: number }) | null = current.video;
  if (!v || typeof v.nominalFrameRate === 'number') return current;
  return { ...current, video: { ...v, nominalFrameRate: v.frameRate, variableFrameRate: false } };
}

/**
 * An item's kind with its stored source JSON, typed by the kind. The store is the JSON's only writer, and it
 * writes what NewItem holds, where the kind already fixes the type; so it is read back as that type, unchecked.
 */
function itemSource(kind: ItemKind, json: Record<string, unknown> | null): ItemSourceInfo {
  switch (kind) {
    case ITEM_KINDS.video:
      return { kind, sourceInfo: withFrameTiming(json as MediaInfo | null) };
    case ITEM_KINDS.document:
      return { kind, sourceInfo: json as DocumentSource | null };
    case ITEM_KINDS.interactive:
      return { kind, sourceInfo: json as PackageSource | null };
  }
}

/** An items row as an Item. */
export function itemFromRow(row: SqlRow): Item {
  return {
    id: readString(row, 'id'),
    courseId: readString(row, 'course_id'),
    ...itemSource(readOneOf(row, 'kind', KINDS), readJsonObject(row, 'source_info')),
    title: readString(row, 'title'),
    status: readOneOf(row, 'status', STATUSES),
    sourceFile: readNullableString(row, 'source_file'),
    sourceBytes: readNullableNumber(row, 'source_bytes'),
    durationSeconds: readNullableNumber(row, 'duration_seconds'),
    posterFile: readNullableString(row, 'poster_file'),
    mediaVersion: readNullableString(row, 'media_version'),
    error: readNullableString(row, 'error'),
    createdAt: readTimestamp(row, 'created_at'),
    updatedAt: readTimestamp(row, 'updated_at'),
  };
}

/** A renditions row as a Rendition. */
export function renditionFromRow(row: SqlRow): Rendition {
  return {
    itemId: readString(row, 'item_id'),
    name: readString(row, 'name'),
    width: readNumber(row, 'width'),
    height: readNumber(row, 'height'),
    averageBitrate: readNumber(row, 'average_bitrate'),
    peakBitrate: readNumber(row, 'peak_bitrate'),
    codecs: readString(row, 'codecs'),
    mode: readOneOf(row, 'mode', MODES),
    playlist: readString(row, 'playlist'),
    segmentCount: readNumber(row, 'segment_count'),
    bytes: readNumber(row, 'bytes'),
  };
}

/** A jobs row as a Job. */
export function jobFromRow(row: SqlRow): Job {
  return {
    id: readString(row, 'id'),
    itemId: readString(row, 'item_id'),
    kind: readOneOf(row, 'kind', JOB_KINDS),
    state: readOneOf(row, 'state', STATES),
    progress: readNumber(row, 'progress'),
    speed: readNullableNumber(row, 'speed'),
    etaSeconds: readNullableNumber(row, 'eta_seconds'),
    attempts: readNumber(row, 'attempts'),
    maxAttempts: readNumber(row, 'max_attempts'),
    interruptions: readNumber(row, 'interruptions'),
    error: readNullableString(row, 'error'),
    errorType: readNullableString(row, 'error_type'),
    runAfter: readTimestamp(row, 'run_after'),
    createdAt: readTimestamp(row, 'created_at'),
    startedAt: readNullableTimestamp(row, 'started_at'),
    finishedAt: readNullableTimestamp(row, 'finished_at'),
    updatedAt: readTimestamp(row, 'updated_at'),
  };
}
