import type { PlaybackPlan } from '@coursecast/media';
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Meter,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_CONTENT_ITEM_ID,
  ATTR_CONTENT_SOURCE_CODEC,
  ATTR_CONTENT_SOURCE_CONTAINER,
  ATTR_ERROR_TYPE,
  ATTR_HLS_AUDIO_ACTION,
  ATTR_HLS_END_REASON,
  ATTR_HLS_ENCODER_GENERATION,
  ATTR_HLS_ENCODER_START_SEGMENT,
  ATTR_HLS_PLAN_MODE,
  ATTR_HLS_PLAN_REASONS,
  ATTR_HLS_SEGMENT_INDEX,
  ATTR_HLS_SESSION_ID,
  ATTR_HLS_TARGET_BITRATE,
  ATTR_HLS_TARGET_HEIGHT,
  ATTR_HLS_VIDEO_ACTION,
  HLS_SESSION_END_REASONS,
  JIT_TRANSCODE_ERROR_TYPES,
  PLAYBACK_MODES,
  METRIC_HLS_FFMPEG_STARTUP_DURATION,
  METRIC_HLS_SEGMENT_GENERATION_DURATION,
  METRIC_HLS_SEGMENT_WAIT_DURATION,
  METRIC_HLS_SESSION_FIRST_SEGMENT_DURATION,
  METRIC_HLS_SESSION_START_DURATION,
  METRIC_HLS_SESSIONS_ACTIVE,
  METRIC_HLS_SESSIONS_ENDED,
  METRIC_HLS_SESSIONS_STARTED,
  METRIC_HLS_TRANSCODE_ERRORS,
  SPAN_HLS_ENCODER_START,
  SPAN_HLS_SESSION,
} from '@coursecast/semconv';
import { createCounter, createHistogram, createObservableGauge } from '../instrumentation/instruments.js';
import type { SessionObserver } from './jit-session.js';

/** The facts of a session its telemetry is labelled with. */
export interface SessionFacts {
  id: string;
  itemId: string;
  plan: PlaybackPlan;
  /** performance.now() when the playback request arrived; defaults to now. */
  requestedAt?: number;
}

/** Spans and metrics of just-in-time sessions. */
export interface JitInstruments {
  /** Starts the session span and returns the observer the session reports to. */
  observe(facts: SessionFacts): SessionObserver & { readonly span: Span };
  /** `hls.session.start.duration`: playback request → playlist served. */
  sessionStarted(plan: PlaybackPlan, seconds: number): void;
  /** `hls.sessions.active`, read at collection time. */
  observeActive(plans: () => PlaybackPlan[]): void;
}

/** The span attributes of a plan: the same object that chose FFmpeg's arguments. */
export function planAttributes(plan: PlaybackPlan): Attributes {
  const attrs: Attributes = {
    [ATTR_HLS_PLAN_MODE]: plan.mode,
    [ATTR_HLS_PLAN_REASONS]: plan.reasons,
    [ATTR_CONTENT_SOURCE_CONTAINER]: plan.source.container,
    [ATTR_CONTENT_SOURCE_CODEC]: plan.source.videoCodec ?? 'none',
    [ATTR_HLS_VIDEO_ACTION]: plan.video.action,
    [ATTR_HLS_AUDIO_ACTION]: plan.audio.action,
  };
  if (plan.video.height !== null) attrs[ATTR_HLS_TARGET_HEIGHT] = plan.video.height;
  if (plan.video.bitrate !== null) attrs[ATTR_HLS_TARGET_BITRATE] = plan.video.bitrate;
  return attrs;
}

/** Creates the instruments on a tracer and meter. */
export function createJitInstruments(tracer: Tracer, meter: Meter): JitInstruments {
  const startDuration = createHistogram(meter, METRIC_HLS_SESSION_START_DURATION);
  const firstSegment = createHistogram(meter, METRIC_HLS_SESSION_FIRST_SEGMENT_DURATION);
  const ffmpegStartup = createHistogram(meter, METRIC_HLS_FFMPEG_STARTUP_DURATION);
  const generation = createHistogram(meter, METRIC_HLS_SEGMENT_GENERATION_DURATION);
  const wait = createHistogram(meter, METRIC_HLS_SEGMENT_WAIT_DURATION);
  const started = createCounter(meter, METRIC_HLS_SESSIONS_STARTED);
  const ended = createCounter(meter, METRIC_HLS_SESSIONS_ENDED);
  const errors = createCounter(meter, METRIC_HLS_TRANSCODE_ERRORS);

  return {
    observe({ id, itemId, plan, requestedAt }) {
      const mode = { [ATTR_HLS_PLAN_MODE]: plan.mode };
      const source = {
        [ATTR_CONTENT_SOURCE_CODEC]: plan.source.videoCodec ?? 'none',
        [ATTR_CONTENT_SOURCE_CONTAINER]: plan.source.container,
      };
      // Counted with the same codec and container as hls.transcode.errors, so the two divide by group.
      started.add(1, { ...mode, ...source });
      const span = tracer.startSpan(SPAN_HLS_SESSION, {
        attributes: { [ATTR_HLS_SESSION_ID]: id, [ATTR_CONTENT_ITEM_ID]: itemId, ...planAttributes(plan) },
        // The span covers what its start-up metrics count: from the playback request's arrival.
        ...(requestedAt !== undefined ? { startTime: performance.timeOrigin + requestedAt } : {}),
      });
      const ctx = trace.setSpan(ROOT_CONTEXT, span);
      const starting = new Map<number, Span>();
      const created = requestedAt ?? performance.now();
      let firstDone = false;
      return {
        span,
        encoderStarted(startIndex, gen, from) {
          const s = tracer.startSpan(
            SPAN_HLS_ENCODER_START,
            {
              attributes: {
                [ATTR_HLS_ENCODER_START_SEGMENT]: startIndex,
                [ATTR_HLS_ENCODER_GENERATION]: gen,
              },
            },
            ctx,
          );
          starting.set(gen, s);
          if (from !== null)
            span.addEvent('hls.relocate', { from, to: startIndex, [ATTR_HLS_ENCODER_GENERATION]: gen });
        },
        encoderFirstProgress(gen, ms) {
          ffmpegStartup.record(ms / 1000, mode);
          starting.get(gen)?.end();
          starting.delete(gen);
        },
        segmentWritten(index, ms) {
          generation.record(ms / 1000, mode);
          if (!firstDone) {
            firstDone = true;
            firstSegment.record((performance.now() - created) / 1000, mode);
            span.addEvent('hls.first_segment', { [ATTR_HLS_SEGMENT_INDEX]: index });
          }
        },
        segmentServed(_index, waitedMs) {
          wait.record(waitedMs / 1000, mode);
        },
        failed(message, stage) {
          const type =
            stage === 'startup'
              ? JIT_TRANSCODE_ERROR_TYPES.ffmpegStartup
              : JIT_TRANSCODE_ERROR_TYPES.ffmpegExit;
          errors.add(1, { ...source, [ATTR_ERROR_TYPE]: type });
          span.addEvent('exception', { 'exception.message': message, [ATTR_ERROR_TYPE]: type });
          for (const s of starting.values()) {
            s.setStatus({ code: SpanStatusCode.ERROR, message });
            s.end();
          }
          starting.clear();
        },
        ended(reason) {
          ended.add(1, { [ATTR_HLS_END_REASON]: reason, ...mode });
          for (const s of starting.values()) s.end();
          span.setAttribute(ATTR_HLS_END_REASON, reason);
          if (reason === HLS_SESSION_END_REASONS.error) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
    sessionStarted(plan, seconds) {
      startDuration.record(seconds, { [ATTR_HLS_PLAN_MODE]: plan.mode });
    },
    observeActive(plans) {
      createObservableGauge(meter, METRIC_HLS_SESSIONS_ACTIVE).addCallback((result) => {
        // Zeros included, so a dashboard sees "no sessions" rather than "no data".
        const counts = new Map<string, number>([
          [PLAYBACK_MODES.remux, 0],
          [PLAYBACK_MODES.transcode, 0],
        ]);
        for (const p of plans()) counts.set(p.mode, (counts.get(p.mode) ?? 0) + 1);
        for (const [m, n] of counts) result.observe(n, { [ATTR_HLS_PLAN_MODE]: m });
      });
    },
  };
}
