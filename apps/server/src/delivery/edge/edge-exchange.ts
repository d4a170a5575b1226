import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContentObjectType } from '@coursecast/semconv';
import { INVALID_SPAN_CONTEXT, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

/** One request's context through the edge. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly started: number;
  /** A no-op span until openSpan; attributes gathered before are copied in then. */
  span: Span;
  ctx: Context;
  traced: boolean;
  readonly attributes: Attributes;
  objectType: ContentObjectType | null;
}

/** The span of an exchange nobody traces (yet). */
export const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
