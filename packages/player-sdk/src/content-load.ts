import {
  ATTR_ASSET_COUNT,
  ATTR_CONTENT_COURSE_ID,
  ATTR_ERROR_TYPE,
  ATTR_LOAD_DURATION_MS,
  ATTR_LOAD_PROBLEM,
  ATTR_MODULE_ID,
  ATTR_TOTAL_SIZE_KB,
  PLAYBACK_EVENTS,
} from '@coursecast/semconv/browser';
import { newSpanId, newTraceId } from './ids.js';
import { transportFor, type TransportChoice } from './default-transport.js';
import { SPAN_KINDS, STATUS_CODES, pageClock, type Attrs } from './sdk-types.js';

/** What a module's loader learned from its manifest (the seed's asset count and total size). */
export interface InteractiveManifest {
  assetCount?: number;
  totalSizeKb?: number;
}

/** Handed to the load function: headers that join its fetches to this load's trace, and a manifest report. */
export interface LoadContext {
  traceparent: string;
  /** `{ traceparent }`: spread into each fetch's headers. */
  headers: Record<string, string>;
  manifest(m: InteractiveManifest): void;
}

export interface ContentLoadOptions extends TransportChoice {
  /** Extra attributes for the event and span. */
  attributes?: Attrs;
}

async function traceLoad<T>(
  name: string,
  moduleId: string,
  courseId: string | undefined,
  loadFn: (ctx: LoadContext) => Promise<T> | T,
  options: ContentLoadOptions = {},
): Promise<T> {
  const clock = pageClock();
  const traceId = newTraceId();
  const spanId = newSpanId();
  const tp = `00-${traceId}-${spanId}-01`;
  const start = clock.now();
  const facts: Attrs = { ...options.attributes, [ATTR_MODULE_ID]: moduleId };
  if (courseId) facts[ATTR_CONTENT_COURSE_ID] = courseId;
  const ctx: LoadContext = {
    traceparent: tp,
    headers: { traceparent: tp },
    manifest(m) {
      if (m.assetCount !== undefined) facts[ATTR_ASSET_COUNT] = m.assetCount;
      if (m.totalSizeKb !== undefined) facts[ATTR_TOTAL_SIZE_KB] = m.totalSizeKb;
    },
  };
  // Reporting must never turn a successful load into a failed one, nor hide the load's own error.
  const report = (error: unknown) => {
    try {
      const end = clock.now();
      const a: Attrs = { ...facts, [ATTR_LOAD_DURATION_MS]: Math.round(end - start) };
      if (error !== undefined) {
        // A failure that names its reason (a module's MODULE_LOAD_FAILURES) reports it, and what went wrong.
        const typed = typeof error === 'object' && error !== null && 'type' in error ? error.type : undefined;
        a[ATTR_ERROR_TYPE] = typeof typed === 'string' ? typed : (error as Error)?.name || 'Error';
        if (typeof typed === 'string') a[ATTR_LOAD_PROBLEM] = String((error as Error).message).slice(0, 256);
      }
      const { transport, own } = transportFor(options);
      transport.event({ name, timeMs: clock.epochMs(end), attributes: a, traceId, spanId }, 'now');
      transport.span({
        traceId,
        spanId,
        name,
        kind: SPAN_KINDS.internal,
        startMs: clock.epochMs(start),
        endMs: clock.epochMs(end),
        attributes: a,
        status:
          error === undefined
            ? { code: STATUS_CODES.unset }
            : { code: STATUS_CODES.error, message: String((error as Error)?.message ?? error).slice(0, 256) },
      });
      if (own) transport.destroy();
    } catch {
      // Nothing to report to: the load's own outcome stands.
    }
  };
  let result: T;
  try {
    result = await loadFn(ctx);
  } catch (err) {
    report(err ?? new Error('load failed'));
    throw err;
  }
  report(undefined);
  return result;
}

/**
 * Times an interactive module's load (the seed's `content.load_interactive`): `loadFn` fetches the manifest and
 * assets (with `ctx.headers`, so the server's spans join) and reports counts with `ctx.manifest()`.
 */
export function traceInteractiveLoad<T>(
  moduleId: string,
  courseId: string | undefined,
  loadFn: (ctx: LoadContext) => Promise<T> | T,
  options?: ContentLoadOptions,
): Promise<T> {
  return traceLoad(PLAYBACK_EVENTS.loadInteractive, moduleId, courseId, loadFn, options);
}

/** Times a document's load (PDF, slides): `content.document_load` with its duration. */
export function traceDocumentLoad<T>(
  documentId: string,
  courseId: string | undefined,
  loadFn: (ctx: LoadContext) => Promise<T> | T,
  options?: ContentLoadOptions,
): Promise<T> {
  return traceLoad(PLAYBACK_EVENTS.documentLoad, documentId, courseId, loadFn, options);
}
