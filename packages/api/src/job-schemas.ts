import { JOB_STATES } from '@coursecast/semconv/browser';
import { z } from 'zod';

/** A unit of background work on an item (a transcode), as stored. */
export const JobSchema = z.object({
  id: z.string(),
  itemId: z.string(),
  kind: z.literal('transcode'),
  state: z.enum(JOB_STATES),
  /** 0..100 */
  progress: z.number(),
  /** Media seconds per wall second. */
  speed: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  attempts: z.number(),
  maxAttempts: z.number(),
  /** Attempts a crash of the server cut short. */
  interruptions: z.number(),
  error: z.string().nullable(),
  /** A low-cardinality class of `error` (TRANSCODE_ERROR_TYPES). */
  errorType: z.string().nullable(),
  runAfter: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
/** A job row. */
export type Job = z.infer<typeof JobSchema>;

/** `GET /api/jobs/:id`, and `POST /api/items/:id/transcode` (202): one job. */
export const JobResponseSchema = z.object({ job: JobSchema });
/** One job. */
export type JobResponse = z.infer<typeof JobResponseSchema>;

/** `GET /api/jobs`: newest first. */
export const JobListResponseSchema = z.object({ jobs: z.array(JobSchema) });
/** A list of jobs. */
export type JobListResponse = z.infer<typeof JobListResponseSchema>;

/** `POST /api/jobs/:id/cancel`: the job as cancelled (null when it vanished meanwhile). */
export const JobCancelResponseSchema = z.object({ job: JobSchema.nullable() });
/** A cancelled job. */
export type JobCancelResponse = z.infer<typeof JobCancelResponseSchema>;

/** The event names of `GET /api/jobs/:id/events` (Server-Sent Events). */
export const JOB_EVENT_NAMES = { progress: 'progress', done: 'done' } as const;

/** Live progress of one rung while the job runs (not stored: it changes several times a second). */
export const RungProgressSchema = z.object({
  name: z.string(),
  segments: z.number(),
  mediaSeconds: z.number(),
});

/** The data of a `progress` event: the job as stored, and per-rung progress while it runs. */
export const JobProgressEventSchema = z.object({
  job: JobSchema,
  rungs: z.array(RungProgressSchema).optional(),
});
/** A `progress` event's data. */
export type JobProgressEvent = z.infer<typeof JobProgressEventSchema>;

/** The data of the `done` event, sent once the job is terminal (then the stream ends). */
export const JobDoneEventSchema = z.object({ job: JobSchema });
/** A `done` event's data. */
export type JobDoneEvent = z.infer<typeof JobDoneEventSchema>;
