import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';

/** What became of one attempt to deliver a score to an LMS gradebook (SCORE_OUTCOMES). */
export const ATTR_LTI_SCORE_OUTCOME = 'lti.score.outcome';

/** The outcomes of a score delivery attempt. */
export const SCORE_OUTCOMES = {
  /** The platform took it. */
  sent: 'sent',
  /** The platform failed (5xx, 401, timeout, unreachable): tried again later. */
  retried: 'retried',
  /** Given up after the last attempt (or its platform was removed): the admin sees it in the outbox. */
  failed: 'failed',
} as const;
/** One of SCORE_OUTCOMES. */
export type ScoreOutcome = (typeof SCORE_OUTCOMES)[keyof typeof SCORE_OUTCOMES];

/** Score delivery attempts to LMS gradebooks (Assignment and Grade Services). */
export const METRIC_LTI_SCORE_DELIVERIES = {
  name: 'coursecast.lti.score.deliveries',
  instrument: INSTRUMENTS.counter,
  unit: '{attempt}',
  description:
    'Attempts to deliver a learner’s score to an LMS gradebook (AGS), by outcome: sent, retried later, or given up',
  attributes: [ATTR_LTI_SCORE_OUTCOME],
} as const satisfies MetricDefinition;

/** Scores waiting in the outbox (pending, including those waiting for a retry). */
export const METRIC_LTI_SCORE_PENDING = {
  name: 'coursecast.lti.score.pending',
  instrument: INSTRUMENTS.observableGauge,
  unit: '{score}',
  description: 'Scores waiting in the outbox for delivery to an LMS gradebook, as of the last delivery round',
  attributes: [],
} as const satisfies MetricDefinition;

/** The LTI metrics. */
export const LTI_METRICS: readonly MetricDefinition[] = [
  METRIC_LTI_SCORE_DELIVERIES,
  METRIC_LTI_SCORE_PENDING,
];
