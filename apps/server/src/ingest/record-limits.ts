import { INGEST_REJECT_REASONS } from '@coursecast/semconv';

/** Limits every received record keeps, whatever its signal (from config). */
export interface RecordLimits {
  maxAttributes: number;
  maxAttributeLength: number;
  maxFutureMs: number;
  maxPastMs: number;
  /** Events, and links, per span. */
  maxSpanEvents: number;
  /** Span, metric, event and service names, and units. */
  maxNameLength: number;
  /** Events with names the server does not know are stored as `unknown` (else refused, counted). */
  storeUnknownEvents: boolean;
}

/** Why one record is refused: the reason counted on /metrics, and a message for the sender. */
export interface Violation {
  reason: RejectReason;
  message: string;
}

export type RejectReason = (typeof INGEST_REJECT_REASONS)[keyof typeof INGEST_REJECT_REASONS];

/** What a request's records lost, by reason: counted on /metrics and named in the partial-success answer. */
export interface Rejections {
  rejected: number;
  rejectedBy: Record<string, number>;
  /** The first message of each reason. */
  firstBy: Record<string, string>;
}

/** No rejections yet. */
export function noRejections(): Rejections {
  return { rejected: 0, rejectedBy: {}, firstBy: {} };
}

/** Counts `n` records refused for `v`. */
export function addRejection(r: Rejections, v: Violation, n = 1): void {
  if (n <= 0) return;
  r.rejected += n;
  r.rejectedBy[v.reason] = (r.rejectedBy[v.reason] ?? 0) + n;
  r.firstBy[v.reason] ??= v.message;
}

/** Adds `from`'s rejections to `into`. */
export function mergeRejections(into: Rejections, from: Rejections): void {
  into.rejected += from.rejected;
  for (const [reason, n] of Object.entries(from.rejectedBy)) {
    into.rejectedBy[reason] = (into.rejectedBy[reason] ?? 0) + n;
    into.firstBy[reason] ??= from.firstBy[reason] ?? reason;
  }
}

/** The first rejection's message, or null when nothing was refused. */
export function firstRejection(r: Rejections): string | null {
  return Object.values(r.firstBy)[0] ?? null;
}

/**
 * Every reason, its count and its first message, for the partial-success answer: a sender sees all that went
 * wrong in one answer, not only the first problem.
 */
export function rejectionMessage(r: Rejections): string | null {
  const parts = Object.entries(r.rejectedBy).map(
    ([reason, n]) => `${n} ${reason} (first: ${r.firstBy[reason] ?? reason})`,
  );
  return parts.length === 0 ? null : `${r.rejected} rejected: ${parts.join('; ')}`;
}

const isLong = (v: unknown, max: number): boolean =>
  (typeof v === 'string' && v.length > max) ||
  (typeof v === 'object' && v !== null && JSON.stringify(v).length > max);

/** An attribute set beyond the count or value-length limit, or null. */
export function attributeViolation(attrs: Record<string, unknown>, limits: RecordLimits): Violation | null {
  let count = 0;
  // for..in without Object.keys: this runs once per attribute of every record on the ingest's hot path.
  for (const k in attrs) {
    count++;
    if (k.length > limits.maxNameLength || isLong(attrs[k], limits.maxAttributeLength)) {
      return {
        reason: INGEST_REJECT_REASONS.attributeTooLong,
        message: `attribute ${k.slice(0, 64)} is longer than ${limits.maxAttributeLength} characters`,
      };
    }
  }
  if (count > limits.maxAttributes) {
    return {
      reason: INGEST_REJECT_REASONS.tooManyAttributes,
      message: `${count} attributes (limit ${limits.maxAttributes})`,
    };
  }
  return null;
}

/** A time outside the window around the server's receive time, or null. */
export function timeViolation(timeMs: number, receivedAt: number, limits: RecordLimits): Violation | null {
  if (timeMs <= receivedAt + limits.maxFutureMs && timeMs >= receivedAt - limits.maxPastMs) return null;
  const shown =
    Number.isFinite(timeMs) && Math.abs(timeMs) < 8.64e15 ? new Date(timeMs).toISOString() : timeMs;
  return {
    reason: INGEST_REJECT_REASONS.timestampOutOfRange,
    message: `timestamp ${shown} is outside the accepted range around the server's clock`,
  };
}

/** A name (span, metric, service, unit) longer than the limit, or null. */
export function nameViolation(what: string, name: string, limits: RecordLimits): Violation | null {
  if (name.length <= limits.maxNameLength) return null;
  return {
    reason: INGEST_REJECT_REASONS.nameTooLong,
    message: `${what} ${JSON.stringify(name.slice(0, 64))}… is longer than ${limits.maxNameLength} characters`,
  };
}
