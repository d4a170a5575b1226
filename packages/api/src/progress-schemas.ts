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

/** One learner's standing in an item, as an instructor sees it in the studio. */
export const ItemLearnerSchema = z.object({
  learnerId: z.string(),
  /** Only when the operator keeps names (COURSECAST_LTI_STORE_NAMES); else null. */
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** The LMS the learner came from. */
  issuer: z.string(),
  status: z.enum(['in_progress', 'completed', 'passed', 'failed']),
  /** A lecture's unique seconds watched / duration, 0..1; null for a module. */
  completion: z.number().nullable(),
  /** A module's attempt number; null for a lecture. */
  attempt: z.number().int().nullable(),
  /** A module's score, -1..1; null when none. */
  scoreScaled: z.number().nullable(),
  /** A module's time summed over its sessions, s; null for a lecture. */
  timeSpentSeconds: z.number().nullable(),
  lastSeen: z.string(),
  /** The last score for the LMS gradebook and where it is. */
  lmsScore: z
    .object({
      scoreGiven: z.number(),
      state: z.enum(['pending', 'sent', 'failed']),
      lastError: z.string().nullable(),
    })
    .nullable(),
});
/** An item's learner row. */
export type ItemLearner = z.infer<typeof ItemLearnerSchema>;

/** `GET /api/items/:id/learners` (admin): every learner's progress in an item, most recent first. */
export const ItemLearnersResponseSchema = z.object({
  itemId: z.string(),
  learners: z.array(ItemLearnerSchema),
});
/** An item's learners. */
export type ItemLearnersResponse = z.infer<typeof ItemLearnersResponseSchema>;
