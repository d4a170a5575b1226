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
