// The catalog store's learner progress and score outbox (its contract; duckdb-catalog-progress.ts implements it).

/** Watched seconds as merged half-open ranges `[start, end)`, whole seconds, ascending. */
export type WatchedRanges = [number, number][];

/** One learner's progress in one lecture. */
export interface LectureProgress {
  learnerId: string;
  itemId: string;
  /** Where the learner stopped (the watch page offers to resume there). */
  positionSeconds: number;
  watched: WatchedRanges;
  /** Unique seconds watched. */
  watchedSeconds: number;
  /** The lecture's duration when this was written. */
  durationSeconds: number;
  /** When the watched share first reached the completion threshold; null before. */
  completedAt: string | null;
  updatedAt: string;
}

/** One SCORM attempt of a learner at a module. */
export interface ScormAttempt {
  learnerId: string;
  itemId: string;
  /** 1, 2, …: a new attempt starts when the last one ended other than suspended. */
  attempt: number;
  /** Every CMI value the package set in the attempt (the LMS's own elements left out). */
  cmi: Record<string, string>;
  /** How the last session ended: `suspend`, `normal`, `logout`, `time-out`, or `` (not said, or still open). */
  exitMode: string;
  totalTimeSeconds: number;
  /** `completed`, `incomplete`, `not attempted`, `unknown` (1.2's lesson status is mapped onto these two). */
  completionStatus: string;
  /** `passed`, `failed`, `unknown`. */
  successStatus: string;
  /** -1..1, null when the package set none. */
  scoreScaled: number | null;
  /** The last session terminated (Terminate / LMSFinish). */
  finished: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A score for an LMS gradebook (AGS 2.0 Score, without its `userId`, which the outbox keeps). */
export interface ScoreBody {
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  timestamp: string;
  comment?: string;
}

/** Where a score goes: a line item, or the container to find (or make) the resource link's line item in. */
export interface ScoreTarget {
  platformId: string;
  learnerId: string;
  itemId: string;
  lineitemUrl: string | null;
  lineitemsUrl: string | null;
  resourceLinkId: string | null;
  /** The line item's label when it has to be made. */
  label: string;
  /** The learner's `sub` at the platform (the Score's userId). */
  userId: string;
}

/** `pending` (to send, maybe after a failure), `sent`, or `failed` (given up after the attempts). */
export type ScoreState = 'pending' | 'sent' | 'failed';

/** A score in the outbox. */
export interface OutboxScore extends ScoreTarget {
  id: string;
  score: ScoreBody;
  state: ScoreState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** Learner progress and the score outbox. */
export interface ProgressStore {
  getLectureProgress(learnerId: string, itemId: string): Promise<LectureProgress | null>;
  /**
   * Writes a learner's progress, and in the same transaction queues `score` (replacing a pending score of the same
   * learner and item, which it supersedes). Durable when it resolves.
   */
  saveLectureProgress(
    progress: Omit<LectureProgress, 'updatedAt'>,
    score?: { id: string; target: ScoreTarget; body: ScoreBody },
  ): Promise<LectureProgress>;
  /** The learner's latest attempt at a module, or null before the first. */
  latestScormAttempt(learnerId: string, itemId: string): Promise<ScormAttempt | null>;
  /** Writes an attempt (creating or replacing it), and in the same transaction queues `score` as lectures do. */
  saveScormAttempt(
    attempt: Omit<ScormAttempt, 'createdAt' | 'updatedAt'>,
    score?: { id: string; target: ScoreTarget; body: ScoreBody },
  ): Promise<ScormAttempt>;
  /** Every learner's latest attempt at a module, most recent first. */
  listItemScormAttempts(itemId: string): Promise<ScormAttempt[]>;
  /** Every learner's progress in an item, most recent first. */
  listItemProgress(itemId: string): Promise<LectureProgress[]>;
  /** Pending scores due at `now` (ISO), oldest first, at most `limit`. */
  dueScores(now: string, limit: number): Promise<OutboxScore[]>;
  /** Marks a score sent, or schedules its next attempt, or gives it up; the attempt is counted. */
  settleScore(
    id: string,
    outcome:
      | { state: 'sent' }
      | { state: 'pending'; nextAttemptAt: string; error: string }
      | { state: 'failed'; error: string },
  ): Promise<void>;
  /** Every score of an item, newest first. */
  listItemScores(itemId: string): Promise<OutboxScore[]>;
  /**
   * Deletes learner data untouched since `before` (ISO): lecture progress, SCORM attempts, scores no longer pending,
   * and learners with nothing left; how many rows of each went.
   */
  purgeLearnerData(
    before: string,
  ): Promise<{ progress: number; attempts: number; scores: number; learners: number }>;
  /** How many scores are in `state`. */
  countScores(state: ScoreState): Promise<number>;
  /** The outbox, newest first, at most `limit`, optionally of one state. */
  listScores(limit: number, state?: ScoreState): Promise<OutboxScore[]>;
}
