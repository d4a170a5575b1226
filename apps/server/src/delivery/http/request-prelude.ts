import type { IncomingMessage, ServerResponse } from 'node:http';
import { ATTR_CONTENT_PATH, ATTR_HTTP_REQUEST_METHOD, type ContentObjectType } from '@coursecast/semconv';
import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { DeliveryInstruments } from '../delivery-instruments.js';
import { readRequestCmcd, type RequestCmcd } from './cmcd-request.js';
import { adoptQueryTraceparent } from './trace-response.js';

/** One delivery request (edge or origin) as its prelude leaves it, carried through to its answer. */
export interface ServeExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly started: number;
  /** The URL without its query: cache keys and files are named by paths only. */
  readonly path: string;
  /** A no-op span until openServeSpan; attributes gathered before are copied in then. */
  span: Span;
  ctx: Context;
  traced: boolean;
  readonly attributes: Attributes;
  /** The object the path names, once the edge has resolved it (the origin leaves it null). */
  objectType: ContentObjectType | null;
}

/** The span of an exchange nobody traces (yet). */
export const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** How a server's requests begin. */
export interface RequestPreludeOptions {
  instruments: DeliveryInstruments;
  /** Attributes every span of this server carries after path and method (the origin's); null for none. */
  fixedAttributes: Attributes | null;
  /**
   * Null: every request's span opens at once (the origin). A ratio: this share of requests, drawn by the
   * server, open theirs now; the others when something worth tracing happens (the edge).
   */
  spanRatio: number | null;
}

/** The steps every delivery request takes first, written once for the edge and the origin. */
export interface RequestPrelude {
  /**
   * Splits the URL at `?`, adopts a query `traceparent` (when there is a query), reads CMCD, opens the span
   * when due, and reports malformed CMCD (counted, and an event on the span). Never throws.
   */
  begin(req: IncomingMessage, res: ServerResponse, method: string, started: number): ServeExchange;
  /** Turns the exchange's no-op span into a real one, started when the request arrived. */
  openSpan(ex: ServeExchange): Span;
}

/** Creates the prelude of one server (edge or origin). */
export function createRequestPrelude(options: RequestPreludeOptions): RequestPrelude {
  const { instruments, fixedAttributes, spanRatio } = options;

  function openSpan(ex: ServeExchange): Span {
    if (ex.traced) return ex.span;
    const { span, ctx } = instruments.startServe(ex.req.headers, ex.attributes, ex.started);
    return traced(ex, span, ctx);
  }

  // Started now, without a start time: an SDK span given one clocks its end in whole milliseconds.
  function openNow(ex: ServeExchange): void {
    const { span, ctx } = instruments.startServe(ex.req.headers, ex.attributes);
    traced(ex, span, ctx);
  }

  function begin(req: IncomingMessage, res: ServerResponse, method: string, started: number): ServeExchange {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = url;
    let cmcd: RequestCmcd;
    if (q === -1) {
      cmcd = readRequestCmcd('', req.headers);
    } else {
      path = url.slice(0, q);
      const query = url.slice(q + 1);
      adoptQueryTraceparent(req.headers, query);
      cmcd = readRequestCmcd(query, req.headers);
    }
    const ex: ServeExchange = {
      req,
      res,
      started,
      path,
      span: NO_SPAN,
      ctx: ROOT_CONTEXT,
      traced: false,
      attributes:
        fixedAttributes === null
          ? { [ATTR_CONTENT_PATH]: path, [ATTR_HTTP_REQUEST_METHOD]: method, ...cmcd.attributes }
          : {
              [ATTR_CONTENT_PATH]: path,
              [ATTR_HTTP_REQUEST_METHOD]: method,
              ...fixedAttributes,
              ...cmcd.attributes,
            },
      objectType: null,
    };
    // At the edge every miss, revalidation and error is traced (it opens the span then); plain hits by the
    // server's own ratio only, so a CDN-rate stream of hits does not pay for a span each (metrics count all).
    // Nothing a client sends decides it: a sampled traceparent or a malformed CMCD on every request would
    // otherwise make any stranger an amplifier of stored spans. A traced hit still joins the player's trace.
    if (spanRatio === null) openNow(ex);
    else if (Math.random() < spanRatio) openSpan(ex);
    if (cmcd.error !== null && cmcd.source !== null) {
      instruments.cmcdError(cmcd.source);
      if (ex.traced) ex.span.addEvent('cmcd.invalid', { 'exception.message': cmcd.error });
    } else if (cmcd.source !== null) {
      // Metrics hear every player, traced or not: a span is kept for a sample of hits only.
      instruments.cmcdReported(cmcd.attributes);
    }
    return ex;
  }

  return { begin, openSpan };
}

/** Puts a started span on the exchange. */
function traced(ex: ServeExchange, span: Span, ctx: Context): Span {
  ex.span = span;
  ex.ctx = ctx;
  ex.traced = true;
  return span;
}
