import type { LiveInputInfo, LiveLadderPlan, LiveRunHealth, LiveRunResult } from '@coursecast/media';
import { SpanStatusCode, type Meter, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_CONTENT_ITEM_ID,
  ATTR_ERROR_TYPE,
  ATTR_LIVE_END_REASON,
  ATTR_LIVE_INPUT_BITRATE,
  ATTR_LIVE_INPUT_CODEC,
  ATTR_LIVE_INPUT_FRAME_RATE,
  ATTR_LIVE_INPUT_RESOLUTION,
  ATTR_LIVE_KEYFRAME_INTERVAL,
  ATTR_LIVE_PROTOCOL,
  ATTR_LIVE_RECONNECTS,
  ATTR_LIVE_TOP_RUNG_MODE,
  METRIC_LIVE_ENCODER_SPEED,
  METRIC_LIVE_INPUT_BITRATE,
  METRIC_LIVE_INPUT_FRAME_RATE,
  METRIC_LIVE_KEYFRAME_INTERVAL,
  METRIC_LIVE_RECONNECTS,
  METRIC_LIVE_SEGMENTS,
  METRIC_LIVE_SEGMENTS_LATE,
  METRIC_LIVE_SESSIONS_ACTIVE,
  METRIC_LIVE_SESSIONS_ENDED,
  SPAN_CONTENT_LIVE_SESSION,
} from '@coursecast/semconv';
import { createCounter, createHistogram, createObservableGauge } from '../instrumentation/instruments.js';
import type { LiveRunRecord } from '../store/index.js';
import type { LiveLectureHooks } from './live-lecture.js';

interface Connection {
  span: Span;
  protocol: string;
  topMode: string;
  lastSegment: Map<string, number>;
}

const FAILED = new Set(['encoder_failed', 'ingest_failed']);

/**
 * The telemetry of live lectures: a `content.live.session` span per publisher connection (its input, its ladder, how
 * it ended), the input's health and the encoder's speed once a second, segments (and late ones), reconnects, and the
 * publishers connected now. Every hook is cheap and never throws into the lecture.
 */
export function createLiveInstruments(
  tracer: Tracer,
  meter: Meter,
  segmentSeconds: number,
  connectedNow: () => number,
): Omit<LiveLectureHooks, 'onEnded'> {
  const bitrate = createHistogram(meter, METRIC_LIVE_INPUT_BITRATE);
  const frameRate = createHistogram(meter, METRIC_LIVE_INPUT_FRAME_RATE);
  const keyframes = createHistogram(meter, METRIC_LIVE_KEYFRAME_INTERVAL);
  const speed = createHistogram(meter, METRIC_LIVE_ENCODER_SPEED);
  const segments = createCounter(meter, METRIC_LIVE_SEGMENTS);
  const late = createCounter(meter, METRIC_LIVE_SEGMENTS_LATE);
  const reconnects = createCounter(meter, METRIC_LIVE_RECONNECTS);
  const ended = createCounter(meter, METRIC_LIVE_SESSIONS_ENDED);
  createObservableGauge(meter, METRIC_LIVE_SESSIONS_ACTIVE).addCallback((o) => o.observe(connectedNow()));
  const open = new Map<string, Connection>();

  const safe =
    <A extends unknown[]>(fn: (...a: A) => void) =>
    (...a: A): void => {
      try {
        fn(...a);
      } catch {
        // Telemetry never breaks what it observes.
      }
    };

  return {
    onRunStart: safe((itemId: string, run: LiveRunRecord, plan: LiveLadderPlan, input: LiveInputInfo) => {
      open.get(itemId)?.span.end();
      const v = input.video;
      const topMode = plan.rungs[0]?.mode ?? 'encode';
      const span = tracer.startSpan(SPAN_CONTENT_LIVE_SESSION, {
        startTime: new Date(run.connectedAt),
        attributes: {
          [ATTR_CONTENT_ITEM_ID]: itemId,
          [ATTR_LIVE_PROTOCOL]: run.protocol,
          [ATTR_LIVE_INPUT_CODEC]: v?.codec ?? 'none',
          ...(v ? { [ATTR_LIVE_INPUT_RESOLUTION]: `${v.width}x${v.height}` } : {}),
          ...(v?.frameRate ? { [ATTR_LIVE_INPUT_FRAME_RATE]: v.frameRate } : {}),
          ...(input.keyframeInterval !== null
            ? { [ATTR_LIVE_KEYFRAME_INTERVAL]: input.keyframeInterval }
            : {}),
          [ATTR_LIVE_RECONNECTS]: run.run - 1,
          [ATTR_LIVE_TOP_RUNG_MODE]: topMode,
        },
      });
      open.set(itemId, { span, protocol: run.protocol, topMode, lastSegment: new Map() });
      if (run.run > 1) reconnects.add(1, { [ATTR_LIVE_PROTOCOL]: run.protocol });
    }),
    onHealth: safe((itemId: string, h: LiveRunHealth) => {
      const c = open.get(itemId);
      if (!c) return;
      const attrs = { [ATTR_LIVE_PROTOCOL]: c.protocol };
      if (h.bitrate !== null) {
        bitrate.record(h.bitrate, attrs);
        c.span.setAttribute(ATTR_LIVE_INPUT_BITRATE, h.bitrate);
      }
      if (h.frameRate !== null) frameRate.record(h.frameRate, attrs);
      if (h.keyframeInterval !== null) {
        keyframes.record(h.keyframeInterval, attrs);
        c.span.setAttribute(ATTR_LIVE_KEYFRAME_INTERVAL, h.keyframeInterval);
      }
      if (h.encoderSpeed !== null) speed.record(h.encoderSpeed, { [ATTR_LIVE_TOP_RUNG_MODE]: c.topMode });
    }),
    onSegment: safe((itemId: string, rung: string) => {
      const c = open.get(itemId);
      const attrs = { [ATTR_LIVE_PROTOCOL]: c?.protocol ?? 'rtmp' };
      segments.add(1, attrs);
      if (!c) return;
      const now = performance.now();
      const last = c.lastSegment.get(rung);
      if (last !== undefined && now - last > segmentSeconds * 1500) late.add(1, attrs);
      c.lastSegment.set(rung, now);
    }),
    onRunEnd: safe((itemId: string, run: LiveRunRecord, result: LiveRunResult) => {
      const c = open.get(itemId);
      ended.add(1, { [ATTR_LIVE_PROTOCOL]: run.protocol, [ATTR_LIVE_END_REASON]: result.reason });
      if (!c) return;
      open.delete(itemId);
      c.span.setAttribute(ATTR_LIVE_END_REASON, result.reason);
      if (FAILED.has(result.reason)) {
        c.span.setAttribute(ATTR_ERROR_TYPE, result.reason);
        c.span.setStatus({ code: SpanStatusCode.ERROR, message: result.message ?? result.reason });
      }
      c.span.end(run.endedAt ? new Date(run.endedAt) : undefined);
    }),
  };
}
