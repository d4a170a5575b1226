import type { TestServer } from '../../apps/server/test-support/test-server.js';

/** A stored browser event, its trace and attributes. */
export interface StoredEvent {
  name: string;
  traceId: string | null;
  spanId: string | null;
  attrs: Record<string, unknown>;
}

/** Stored browser events about one document or module (they name it in `content.module_id`), oldest first. */
export async function eventsOf(t: TestServer, moduleId: string, name: string): Promise<StoredEvent[]> {
  const rows = (await t.cc.pipeline.store.db.all(
    `SELECT name, trace_id, span_id, attrs FROM events WHERE name = $1 ORDER BY time`,
    [name],
  )) as { name: string; trace_id: string | null; span_id: string | null; attrs: string | null }[];
  return rows
    .map((r) => ({
      name: r.name,
      traceId: r.trace_id,
      spanId: r.span_id,
      attrs: r.attrs ? (JSON.parse(r.attrs) as Record<string, unknown>) : {},
    }))
    .filter((e) => e.attrs['content.module_id'] === moduleId);
}
