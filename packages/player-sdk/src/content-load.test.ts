import {
  ATTR_ASSET_COUNT,
  ATTR_CONTENT_COURSE_ID,
  ATTR_ERROR_TYPE,
  ATTR_LOAD_DURATION_MS,
  ATTR_MODULE_ID,
  ATTR_TOTAL_SIZE_KB,
  PLAYBACK_EVENTS,
} from '@coursecast/semconv/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { traceDocumentLoad, traceInteractiveLoad, type LoadContext } from './content-load.js';
import type { SdkEvent, SdkSpan, Transport, Urgency } from './sdk-types.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** A transport that keeps what it is given. */
function fakeTransport() {
  const events: SdkEvent[] = [];
  const urgencies: (Urgency | undefined)[] = [];
  const spans: SdkSpan[] = [];
  const transport: Transport = {
    event: (e, u) => {
      events.push(e);
      urgencies.push(u);
    },
    span: (s) => spans.push(s),
    flush: vi.fn(),
    destroy: vi.fn(),
    stats: () => ({ sent: 0, dropped: 0, retried: 0, queued: 0 }),
  };
  return { transport, events, urgencies, spans };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('traceInteractiveLoad', () => {
  it('hands the load a traceparent and reports its manifest facts and duration', async () => {
    const t = fakeTransport();
    let ctx: LoadContext | undefined;
    const result = await traceInteractiveLoad(
      'mod_1',
      'crs_1',
      (c) => {
        ctx = c;
        vi.advanceTimersByTime(250);
        c.manifest({ assetCount: 12, totalSizeKb: 340 });
        return 'loaded';
      },
      { transport: t.transport, attributes: { 'content.item_id': 'itm_9' } },
    );
    expect(result).toBe('loaded');
    const [, traceId, spanId] = TRACEPARENT.exec(ctx!.traceparent)!;
    expect(ctx!.headers).toEqual({ traceparent: ctx!.traceparent });

    expect(t.events).toHaveLength(1);
    const event = t.events[0]!;
    expect(event.name).toBe(PLAYBACK_EVENTS.loadInteractive);
    expect(event.attributes).toEqual({
      [ATTR_MODULE_ID]: 'mod_1',
      [ATTR_CONTENT_COURSE_ID]: 'crs_1',
      [ATTR_ASSET_COUNT]: 12,
      [ATTR_TOTAL_SIZE_KB]: 340,
      [ATTR_LOAD_DURATION_MS]: 250,
      'content.item_id': 'itm_9',
    });
    expect(t.urgencies).toEqual(['now']);
    expect([event.traceId, event.spanId]).toEqual([traceId, spanId]);

    expect(t.spans).toHaveLength(1);
    const span = t.spans[0]!;
    expect(span).toMatchObject({
      traceId,
      spanId,
      name: PLAYBACK_EVENTS.loadInteractive,
      kind: 1,
      status: { code: 0 },
      attributes: event.attributes,
    });
    expect(span.endMs - span.startMs).toBe(250);
    expect(span.parentSpanId).toBeUndefined();
    // A transport the caller passed stays the caller's.
    expect(t.transport.destroy).not.toHaveBeenCalled();
  });

  it('waits for an async load and leaves out the course when there is none', async () => {
    const t = fakeTransport();
    const done = traceInteractiveLoad(
      'mod_2',
      undefined,
      () => new Promise<number>((resolve) => setTimeout(() => resolve(7), 400)),
      { transport: t.transport },
    );
    expect(t.events).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(400);
    expect(await done).toBe(7);
    expect(t.events[0]!.attributes).toEqual({ [ATTR_MODULE_ID]: 'mod_2', [ATTR_LOAD_DURATION_MS]: 400 });
  });

  it('gives every load its own trace', async () => {
    const t = fakeTransport();
    await traceInteractiveLoad('a', undefined, () => null, { transport: t.transport });
    await traceInteractiveLoad('b', undefined, () => null, { transport: t.transport });
    expect(t.spans[0]!.traceId).not.toBe(t.spans[1]!.traceId);
  });

  it('rethrows the load’s error unchanged and reports its type', async () => {
    class ManifestError extends Error {
      override name = 'ManifestError';
    }
    const err = new ManifestError('manifest.json: 404');
    const t = fakeTransport();
    const done = traceInteractiveLoad(
      'mod_1',
      'crs_1',
      async (c) => {
        c.manifest({ assetCount: 3 });
        await Promise.resolve();
        throw err;
      },
      { transport: t.transport },
    );
    await expect(done).rejects.toBe(err);
    expect(t.events[0]!.attributes).toMatchObject({
      [ATTR_ERROR_TYPE]: 'ManifestError',
      [ATTR_ASSET_COUNT]: 3,
      [ATTR_MODULE_ID]: 'mod_1',
    });
    expect(t.spans[0]!.status).toEqual({ code: 2, message: 'manifest.json: 404' });
  });

  it('turns a synchronous throw into a rejection with the same error', async () => {
    const t = fakeTransport();
    const err = new TypeError('bad module');
    const done = traceInteractiveLoad(
      'mod_1',
      undefined,
      () => {
        throw err;
      },
      { transport: t.transport },
    );
    await expect(done).rejects.toBe(err);
    expect(t.events[0]!.attributes[ATTR_ERROR_TYPE]).toBe('TypeError');
  });

  it('never fails a load because reporting failed', async () => {
    const t = fakeTransport();
    t.transport.event = () => {
      throw new Error('transport down');
    };
    await expect(
      traceInteractiveLoad('mod_1', 'crs_1', () => 'ok', { transport: t.transport }),
    ).resolves.toBe('ok');
    const err = new Error('load failed');
    await expect(
      traceInteractiveLoad(
        'mod_1',
        'crs_1',
        () => {
          throw err;
        },
        { transport: t.transport },
      ),
    ).rejects.toBe(err);
  });
});

describe('traceDocumentLoad', () => {
  it('reports content.document_load with the document id and duration', async () => {
    const t = fakeTransport();
    let traceparent = '';
    await traceDocumentLoad(
      'doc_5',
      'crs_1',
      (c) => {
        traceparent = c.headers.traceparent!;
        vi.advanceTimersByTime(90);
      },
      { transport: t.transport },
    );
    expect(t.events.map((e) => e.name)).toEqual([PLAYBACK_EVENTS.documentLoad]);
    expect(t.events[0]!.attributes).toEqual({
      [ATTR_MODULE_ID]: 'doc_5',
      [ATTR_CONTENT_COURSE_ID]: 'crs_1',
      [ATTR_LOAD_DURATION_MS]: 90,
    });
    expect(traceparent).toBe(`00-${t.spans[0]!.traceId}-${t.spans[0]!.spanId}-01`);
  });
});
