import {
  ATTR_CONTENT_COURSE_ID,
  ATTR_CONTENT_ITEM_ID,
  ATTR_EVENT_NAME,
  ATTR_EVENT_ORIGINAL_NAME,
  ATTR_HLS_PLAN_MODE,
  ATTR_SESSION_ID,
  ATTR_VIEW_ID,
  ATTR_VIEW_SEQ,
  ATTR_VIEWER_ID,
  CMCD_EVENT_PREFIX,
  INGEST_REJECT_REASONS,
  PLAYBACK_EVENT_SCHEMAS,
  UNKNOWN_EVENT_NAME,
} from '@coursecast/semconv';
import type { EventRow } from '../store/telemetry-rows.js';
import { eventColumns } from './event-columns.js';
import {
  addRejection,
  attributeViolation,
  noRejections,
  timeViolation,
  type RecordLimits,
  type Rejections,
  type Violation,
} from './record-limits.js';
import type { UserAgentInfo } from './user-agent.js';

/** A log record's parts the mapping reads (the normalized OTLP shape, or a CMCD record turned into one). */
export interface EventRecord {
  /** Event time, epoch ms, or null when the sender gave none. */
  timeMs: number | null;
  eventName: string | null;
  attributes: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
}

/** What the receiving request adds to every record. */
export interface RecordContext {
  receivedAt: number;
  source: string;
  service: string | null;
  ua: UserAgentInfo;
}

/** A stored row (`unknown` when its name was not a known event), or why the record was refused. */
export type MapResult = { ok: true; row: EventRow; unknown: boolean } | ({ ok: false } & Violation);

const KNOWN: Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: Issue[] } } }> =
  PLAYBACK_EVENT_SCHEMAS;
interface Issue {
  path: PropertyKey[];
  message: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The attributes to store: the record's own object, copied without `event.name` only when it has one. */
function storedAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  if (!(ATTR_EVENT_NAME in attributes)) return attributes;
  // Rebuilt rather than `delete`d: deleting a key turns the object into a slow dictionary for V8.
  const out: Record<string, unknown> = {};
  for (const k in attributes) if (k !== ATTR_EVENT_NAME) out[k] = attributes[k];
  return out;
}

/** Maps one record to an events row: limits, timestamp range, the event's schema, then the row. */
export function mapEventRecord(rec: EventRecord, ctx: RecordContext, limits: RecordLimits): MapResult {
  const time = rec.timeMs ?? ctx.receivedAt;
  const violation = attributeViolation(rec.attributes, limits) ?? timeViolation(time, ctx.receivedAt, limits);
  if (violation) return { ok: false, ...violation };
  const given = rec.eventName ?? str(rec.attributes[ATTR_EVENT_NAME]);
  const schema = given !== null ? KNOWN[given] : undefined;
  // CMCD's keys are checked by its decoder, so its events are known without a schema of ours.
  const cmcd = ctx.source === 'cmcd' && given !== null && given.startsWith(CMCD_EVENT_PREFIX);
  let attrs = storedAttributes(rec.attributes);
  if (schema) {
    const parsed = schema.safeParse(attrs);
    if (!parsed.success) {
      const issue = parsed.error?.issues[0];
      const where = issue?.path.map(String).join('.') || '(attributes)';
      return {
        ok: false,
        reason: INGEST_REJECT_REASONS.invalidAttributes,
        message: `${given}: ${where}: ${issue?.message ?? 'invalid'}`,
      };
    }
  } else if (!cmcd && !limits.storeUnknownEvents) {
    // A name the server does not know feeds no view and no panel: storing it would only let a stranger fill
    // the disk with names of their choosing.
    return {
      ok: false,
      reason: INGEST_REJECT_REASONS.unknownEvent,
      message: `event ${JSON.stringify((given ?? '').slice(0, 64))} is not one the server knows`,
    };
  } else if (!cmcd) {
    // Kept, under one name, so a typo'd or future event is visible without widening the set of names.
    attrs = { ...attrs, [ATTR_EVENT_ORIGINAL_NAME]: given ?? '' };
  }
  const seq = attrs[ATTR_VIEW_SEQ];
  const name = schema || cmcd ? given! : UNKNOWN_EVENT_NAME;
  return {
    ok: true,
    unknown: !schema && !cmcd,
    row: {
      time,
      receivedAt: ctx.receivedAt,
      name,
      source: ctx.source,
      viewId: str(attrs[ATTR_VIEW_ID]),
      seq: typeof seq === 'number' && Number.isInteger(seq) ? seq : null,
      viewerId: str(attrs[ATTR_VIEWER_ID]),
      sessionId: str(attrs[ATTR_SESSION_ID]),
      courseId: str(attrs[ATTR_CONTENT_COURSE_ID]),
      itemId: str(attrs[ATTR_CONTENT_ITEM_ID]),
      traceId: rec.traceId,
      spanId: rec.spanId,
      browser: ctx.ua.browser,
      browserMajor: ctx.ua.browserMajor,
      os: ctx.ua.os,
      device: ctx.ua.device,
      codec: null,
      container: null,
      plan: str(attrs[ATTR_HLS_PLAN_MODE]),
      service: ctx.service,
      ...eventColumns(name, attrs),
      attrs,
    },
  };
}

/** A batch of records mapped: the rows to store, and what was refused and why. */
export interface MappedBatch extends Rejections {
  rows: EventRow[];
}

/** Maps every record of a batch (pure: runs on the event loop or in a decode worker alike). */
export function mapEventRecords(
  records: readonly EventRecord[],
  ctx: RecordContext,
  limits: RecordLimits,
): MappedBatch {
  const out: MappedBatch = { rows: [], ...noRejections() };
  for (const rec of records) {
    const m = mapEventRecord(rec, ctx, limits);
    if (m.ok) out.rows.push(m.row);
    else addRejection(out, m);
  }
  return out;
}
