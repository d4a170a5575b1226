import { INGEST_OUTCOMES, UNKNOWN_EVENT_NAME, type TelemetryOrigin } from '@coursecast/semconv';
import type { Config } from '../config.js';
import type { ViewRefresher } from '../views/view-refresher.js';
import type {
  EventRow,
  MetricPointRecord,
  MetricPointRow,
  SpanRecord,
  SpanRow,
} from '../store/telemetry-rows.js';
import type { TelemetryStore } from '../store/telemetry-store.js';
import { mapEventRecords, type EventRecord, type MappedBatch } from './event-mapper.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import type { IngestInstruments } from './ingest-instruments.js';
import type { ItemFactsCache } from './item-facts.js';
import type { RecordLimits, Rejections } from './record-limits.js';
import type { UserAgentParser } from './user-agent.js';
import { createViewDedupe, type ViewDedupe } from './view-dedupe.js';

/** Where a batch of records came from. */
export interface BatchSource {
  /** `logs`, `traces`, `metrics` or `cmcd` (INGEST_SIGNALS). */
  signal: string;
  /** `otlp` or `cmcd`: stored with each event. */
  source: string;
  service: string | null;
  userAgent: string | undefined;
}

/** What became of a request's records; the answer is sent only after `stored` are durable. */
export interface IngestResult extends Rejections {
  stored: number;
  duplicates: number;
  unknown: number;
}

/** Validates, enriches, de-duplicates and durably stores telemetry. */
export interface IngestService {
  events(records: readonly EventRecord[], from: BatchSource): Promise<IngestResult>;
  /** Stores a batch mapped elsewhere (a decode worker): de-duplication, enrichment, commit, telemetry. */
  storeMapped(batch: MappedBatch, signal: string): Promise<IngestResult>;
  /**
   * Spans and metric points, already mapped and bounded, stored with who produced them: the server's own
   * exporters pass `server`, the OTLP receivers `received` (the sender has no say in it).
   */
  spans(rows: readonly SpanRecord[], origin: TelemetryOrigin): Promise<void>;
  points(rows: readonly MetricPointRecord[], origin: TelemetryOrigin): Promise<void>;
  /** Commits what is queued and refuses more. */
  close(): Promise<void>;
}

export interface IngestServiceDeps {
  config: Config['ingest'];
  store: TelemetryStore;
  items: ItemFactsCache;
  userAgents: UserAgentParser;
  views: ViewRefresher;
  instruments: IngestInstruments;
  now?: () => number;
}

/** The per-record limits of the ingest section, in the shape the mappers take. */
export function recordLimits(c: Config['ingest']): RecordLimits {
  return {
    maxAttributes: c.maxAttributes,
    maxAttributeLength: c.maxAttributeLength,
    maxFutureMs: c.maxFutureSeconds * 1000,
    maxPastMs: c.maxPastSeconds * 1000,
    maxSpanEvents: c.maxSpanEvents,
    maxNameLength: c.maxNameLength,
    storeUnknownEvents: c.storeUnknownEvents,
  };
}

/** Creates the service with one group commit per table. */
export function createIngestService(d: IngestServiceDeps): IngestService {
  const c = d.config;
  const now = d.now ?? Date.now;
  const limits: RecordLimits = recordLimits(c);
  const dedupe: ViewDedupe = createViewDedupe({ maxViews: 200_000 });
  function committer<Row>(
    table: string,
    commit: (rows: readonly Row[]) => Promise<void>,
    maxInFlight: number,
  ): GroupCommit<Row> {
    return createGroupCommit<Row>({
      commit,
      maxInFlight,
      intervalMs: c.commitIntervalMs,
      maxBatch: c.commitBatch,
      eagerBatch: c.commitEagerBatch,
      maxPending: c.maxPendingRecords,
      onCommit: (_rows, ms, ok) => {
        if (ok) d.instruments.commit(table, ms);
      },
    });
  }
  const events = committer<EventRow>('events', (rows) => d.store.events.commit(rows), d.store.events.lanes);
  const spans = committer<SpanRow>('spans', (rows) => d.store.spans.commit(rows), d.store.spans.lanes);
  const points = committer<MetricPointRow>(
    'metric_points',
    (rows) => d.store.points.commit(rows),
    d.store.points.lanes,
  );

  async function enrich(rows: EventRow[]): Promise<void> {
    const ids = [...new Set(rows.map((r) => r.itemId).filter((id): id is string => id !== null))];
    const facts = new Map(await Promise.all(ids.map(async (id) => [id, await d.items.get(id)] as const)));
    for (const r of rows) {
      const f = r.itemId ? facts.get(r.itemId) : null;
      if (f) {
        r.codec = f.codec;
        r.container = f.container;
      }
    }
  }

  async function storeMapped(batch: MappedBatch, signal: string): Promise<IngestResult> {
    const { rows } = batch;
    for (const [reason, n] of Object.entries(batch.rejectedBy)) {
      d.instruments.records(signal, INGEST_OUTCOMES.rejected, n, reason);
    }
    const keyed = rows.filter((r) => r.viewId !== null && r.seq !== null);
    const keys = keyed.map((r) => ({ viewId: r.viewId!, seq: r.seq! }));
    const { fresh, duplicates } = dedupe.reserve(keys);
    const dropped = new Set(keyed.filter((_, i) => !fresh[i]));
    const toStore = dropped.size === 0 ? rows : rows.filter((r) => !dropped.has(r));
    const reserved = dropped.size === 0 ? keys : keys.filter((_, i) => fresh[i]);
    d.instruments.records(signal, INGEST_OUTCOMES.duplicate, duplicates);
    try {
      await enrich(toStore);
      await events.submit(toStore);
    } catch (err) {
      dedupe.release(reserved);
      throw err;
    }
    dedupe.commit(reserved);
    const unknown = toStore.filter((r) => r.name === UNKNOWN_EVENT_NAME).length;
    d.instruments.records(signal, INGEST_OUTCOMES.stored, toStore.length - unknown);
    d.instruments.records(signal, INGEST_OUTCOMES.storedUnknown, unknown);
    d.instruments.events(toStore);
    d.views.markDirty(new Set(toStore.flatMap((r) => (r.viewId ? [r.viewId] : []))));
    return {
      stored: toStore.length,
      duplicates,
      unknown,
      rejected: batch.rejected,
      rejectedBy: batch.rejectedBy,
      firstBy: batch.firstBy,
    };
  }

  return {
    events(records, from) {
      const ua = d.userAgents.parse(from.userAgent);
      const ctx = { receivedAt: now(), source: from.source, service: from.service, ua };
      return storeMapped(mapEventRecords(records, ctx, limits), from.signal);
    },
    storeMapped,
    spans: (rows, origin) => {
      const receivedAt = now();
      return spans.submit(rows.map((r) => ({ ...r, origin, receivedAt })));
    },
    points: (rows, origin) => {
      const receivedAt = now();
      return points.submit(rows.map((r) => ({ ...r, origin, receivedAt })));
    },
    async close() {
      await Promise.all([events.close(), spans.close(), points.close()]);
    },
  };
}
