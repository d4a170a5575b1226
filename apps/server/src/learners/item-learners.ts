import type { ItemLearner } from '@coursecast/api';
import type { Learner, LectureProgress, OutboxScore, ScormAttempt } from '../store/index.js';

/** One learner's row from their lecture progress or module attempt and their latest gradebook score. */
export function itemLearnerRow(
  learner: Learner,
  progress: LectureProgress | undefined,
  attempt: ScormAttempt | undefined,
  score: OutboxScore | undefined,
): ItemLearner {
  const status: ItemLearner['status'] = attempt
    ? attempt.successStatus === 'passed' || attempt.successStatus === 'failed'
      ? attempt.successStatus
      : attempt.completionStatus === 'completed'
        ? 'completed'
        : 'in_progress'
    : progress?.completedAt
      ? 'completed'
      : 'in_progress';
  return {
    learnerId: learner.id,
    name: learner.name,
    email: learner.email,
    issuer: learner.issuer,
    status,
    completion:
      progress && progress.durationSeconds > 0
        ? Math.min(1, progress.watchedSeconds / progress.durationSeconds)
        : null,
    attempt: attempt?.attempt ?? null,
    scoreScaled: attempt?.scoreScaled ?? null,
    timeSpentSeconds: attempt?.totalTimeSeconds ?? null,
    lastSeen:
      [progress?.updatedAt, attempt?.updatedAt]
        .filter((x): x is string => !!x)
        .sort()
        .at(-1) ?? learner.createdAt,
    lmsScore: score
      ? { scoreGiven: score.score.scoreGiven, state: score.state, lastError: score.lastError }
      : null,
  };
}

const CSV_COLUMNS = [
  'learner_id',
  'name',
  'email',
  'lms',
  'status',
  'completion_percent',
  'attempt',
  'score_percent',
  'time_spent_seconds',
  'last_seen',
  'lms_score',
  'lms_score_state',
] as const;

/** A CSV cell: quoted when it must be, and never a formula a spreadsheet would run (a name from an LMS is input). */
function cell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const percent = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 10);

/** The rows as CSV (RFC 4180, CRLF), a header first. */
export function itemLearnersCsv(rows: readonly ItemLearner[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.learnerId,
        r.name,
        r.email,
        r.issuer,
        r.status,
        percent(r.completion),
        r.attempt,
        percent(r.scoreScaled),
        r.timeSpentSeconds === null ? null : Math.round(r.timeSpentSeconds),
        r.lastSeen,
        r.lmsScore?.scoreGiven ?? null,
        r.lmsScore?.state ?? null,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
