import { SpanStatusCode, type Meter, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_CONTENT_COURSE_ID,
  ATTR_CONTENT_ITEM_ID,
  ATTR_ERROR_TYPE,
  ATTR_PACKAGE_BYTES,
  ATTR_PACKAGE_COMPRESSED_BYTES,
  ATTR_PACKAGE_ENTRIES,
  ATTR_PACKAGE_ENTRY,
  ATTR_PACKAGE_OUTCOME,
  ATTR_PACKAGE_REJECTION,
  ATTR_PACKAGE_TYPE,
  METRIC_CONTENT_PACKAGE_UNPACK_DURATION,
  METRIC_CONTENT_PACKAGE_UNPACKS,
  PACKAGE_OUTCOMES,
  PACKAGE_REJECTIONS,
  SPAN_CONTENT_UNPACK_PACKAGE,
  type PackageRejection,
  type PackageType,
} from '@coursecast/semconv';
import { createCounter, createHistogram } from '../instrumentation/instruments.js';

/** What an unpack learns as it goes; each fact lands on the span (and the type on the metrics). */
export interface UnpackReport {
  extracted(entries: number, bytes: number): void;
  type(type: PackageType): void;
}

/** A refusal the unpack span and metrics can name. */
export interface Rejection {
  reason: PackageRejection;
  entry: string | null;
}

/** The `content.unpack_package` span and the unpack metrics. */
export interface PackageInstruments {
  /**
   * Runs one unpack inside its span. `rejectionOf` tells a refusal of bad input (counted by its reason) from a
   * failure of the server's own (a full disk); both end the span with an error status.
   */
  traceUnpack<T>(
    ids: { itemId: string; courseId: string; zipBytes: number },
    run: (report: UnpackReport) => Promise<T>,
    rejectionOf: (err: unknown) => Rejection | null,
  ): Promise<T>;
}

const REJECTION_VALUES = new Set<string>(Object.values(PACKAGE_REJECTIONS));

/** Creates the span and instruments on a tracer and a meter. */
export function createPackageInstruments(tracer: Tracer, meter: Meter): PackageInstruments {
  const unpacks = createCounter(meter, METRIC_CONTENT_PACKAGE_UNPACKS);
  const duration = createHistogram(meter, METRIC_CONTENT_PACKAGE_UNPACK_DURATION);
  return {
    traceUnpack(ids, run, rejectionOf) {
      return tracer.startActiveSpan(SPAN_CONTENT_UNPACK_PACKAGE, async (span: Span) => {
        const started = performance.now();
        let type: PackageType | 'unknown' = 'unknown';
        span.setAttributes({
          [ATTR_CONTENT_ITEM_ID]: ids.itemId,
          [ATTR_CONTENT_COURSE_ID]: ids.courseId,
          [ATTR_PACKAGE_COMPRESSED_BYTES]: ids.zipBytes,
        });
        const report: UnpackReport = {
          extracted(entries, bytes) {
            span.setAttributes({ [ATTR_PACKAGE_ENTRIES]: entries, [ATTR_PACKAGE_BYTES]: bytes });
          },
          type(t) {
            type = t;
            span.setAttribute(ATTR_PACKAGE_TYPE, t);
          },
        };
        const record = (outcome: string, reason: string | null): void => {
          const attrs = {
            [ATTR_PACKAGE_TYPE]: type,
            [ATTR_PACKAGE_OUTCOME]: outcome,
            ...(reason ? { [ATTR_PACKAGE_REJECTION]: reason } : {}),
          };
          unpacks.add(1, attrs);
          duration.record((performance.now() - started) / 1000, {
            [ATTR_PACKAGE_TYPE]: type,
            [ATTR_PACKAGE_OUTCOME]: outcome,
          });
        };
        try {
          const result = await run(report);
          span.setAttribute(ATTR_PACKAGE_OUTCOME, PACKAGE_OUTCOMES.published);
          record(PACKAGE_OUTCOMES.published, null);
          return result;
        } catch (err) {
          const rejection = rejectionOf(err);
          const message = err instanceof Error ? err.message : String(err);
          if (rejection && REJECTION_VALUES.has(rejection.reason)) {
            span.setAttributes({
              [ATTR_PACKAGE_OUTCOME]: PACKAGE_OUTCOMES.rejected,
              [ATTR_PACKAGE_REJECTION]: rejection.reason,
              [ATTR_ERROR_TYPE]: rejection.reason,
              ...(rejection.entry ? { [ATTR_PACKAGE_ENTRY]: rejection.entry } : {}),
            });
            record(PACKAGE_OUTCOMES.rejected, rejection.reason);
          } else {
            span.setAttribute(ATTR_ERROR_TYPE, 'internal');
            span.recordException(err instanceof Error ? err : new Error(message));
            record(PACKAGE_OUTCOMES.failed, null);
          }
          span.setStatus({ code: SpanStatusCode.ERROR, message: message.slice(0, 512) });
          throw err;
        } finally {
          span.end();
        }
      });
    },
  };
}
