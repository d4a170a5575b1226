import { ATTR_SESSION_ID, ATTR_VIEW_ID, ATTR_VIEW_SEQ, CMCD_EVENT_PREFIX } from '@coursecast/semconv';
import type { CmcdEventRecord } from './cmcd-events.js';
import type { EventRecord } from '../event-mapper.js';

/**
 * CMCD v2 event-mode records as event records of the same model as OTLP ones: `cmcd.<event>` names, the CMCD
 * keys as `cmcd.*` attributes, the session id as view id and `sn` as sequence number (so a re-sent report is
 * stored once), `cid` as the content (item) id.
 */
export function cmcdEventRecords(records: readonly CmcdEventRecord[]): EventRecord[] {
  return records.map((r) => {
    const sn = r.attrs['cmcd.sn'];
    const attributes: Record<string, unknown> = { ...r.attrs };
    if (r.sid !== null) {
      attributes[ATTR_SESSION_ID] = r.sid;
      attributes[ATTR_VIEW_ID] = r.sid;
      if (typeof sn === 'number' && Number.isInteger(sn) && sn >= 0) attributes[ATTR_VIEW_SEQ] = sn;
    }
    if (r.cid !== null) attributes['content.item_id'] = r.cid;
    return {
      timeMs: r.ts,
      eventName: `${CMCD_EVENT_PREFIX}${r.eventName}`,
      attributes,
      traceId: null,
      spanId: null,
    };
  });
}
