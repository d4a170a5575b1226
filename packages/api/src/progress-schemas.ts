import { z } from 'zod';

/** A watched span of a lecture, whole seconds, `[start, end)`. */
const RangeSchema = z
  .tuple([z.number().int().min(0).max(86_400), z.number().int().min(0).max(86_400)])
  .refine(([s, e]) => e > s, 'a range ends after it starts');

/**
 * `PUT /api/learners/:learnerId/items/:itemId/progress` (the learner's session): where the learner is in the
 * lecture, and the seconds watched since the last report (only what played; a seek skips).
 */
export const LectureProgressUpdateSchema = z.strictObject({
  positionSeconds: z.number().min(0).max(86_400),
  watched: z.array(RangeSchema).max(100),
});
/** A progress report. */
export type LectureProgressUpdate = z.infer<typeof LectureProgressUpdateSchema>;

/** A learner's progress in a lecture, as the watch page shows it. */
export const LectureProgressResponseSchema = z.object({
  positionSeconds: z.number(),
  /** Where the page offers to resume; null when there is nothing worth resuming (the start, or the very end). */
  resumeAt: z.number().nullable(),
  watchedSeconds: z.number().int(),
  durationSeconds: z.number(),
  /** Unique seconds watched / duration, 0..1. */
  completion: z.number(),
  /** The completion reached the server's threshold (then a score went to the LMS, when it takes one). */
  completed: z.boolean(),
  /** The threshold, 0..1. */
  threshold: z.number(),
});
/** Lecture progress. */
export type LectureProgressResponse = z.infer<typeof LectureProgressResponseSchema>;

/** `POST /api/learners/:learnerId/items/:itemId/scorm-ticket` (201): the module's launch frame's ticket. */
export const ScormTicketResponseSchema = z.object({ ticket: z.string() });
/** A SCORM ticket. */
export type ScormTicketResponse = z.infer<typeof ScormTicketResponseSchema>;

/** `GET /launch/:itemId/cmi` (content origin, ticket): what the launch continues or starts. */
export const ScormLaunchStateSchema = z.object({
  attempt: z.number().int(),
  edition: z.enum(['1.2', '2004']),
  /** The values the package kept in the suspended attempt; empty for a new one. */
  restored: z.record(z.string(), z.string()),
  /** The LMS's own values: entry, total time, the learner's id and name. */
  initial: z.record(z.string(), z.string()),
});
/** A SCORM launch's state. */
export type ScormLaunchState = z.infer<typeof ScormLaunchStateSchema>;

/** `PUT /launch/:itemId/cmi` (content origin, ticket): the attempt as kept. */
export const ScormCommitResponseSchema = z.object({
  attempt: z.number().int(),
  finished: z.boolean(),
  completionStatus: z.string(),
  successStatus: z.string(),
  scoreScaled: z.number().nullable(),
  totalTimeSeconds: z.number(),
});
/** A kept commit. */
export type ScormCommitResponse = z.infer<typeof ScormCommitResponseSchema>;
