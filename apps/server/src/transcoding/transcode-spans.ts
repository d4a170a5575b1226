import type { LadderPlan, MediaInfo, RungResult } from '@coursecast/media';
import { SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_CONTENT_OUTPUT_BITRATE,
  ATTR_CONTENT_OUTPUT_PEAK_BITRATE,
  ATTR_CONTENT_SEGMENT_COUNT,
  ATTR_CONTENT_SOURCE_AUDIO_CODEC,
  ATTR_CONTENT_SOURCE_CODEC,
  ATTR_CONTENT_SOURCE_CONTAINER,
  ATTR_CONTENT_SOURCE_DURATION,
  ATTR_CONTENT_SOURCE_RESOLUTION,
  ATTR_CONTENT_TARGET_BITRATE,
  ATTR_CONTENT_TARGET_QUALITY,
  ATTR_CONTENT_TARGET_RESOLUTION,
  ATTR_CONTENT_TRANSCODE_MODE,
  ATTR_CONTENT_VIDEO_ID,
  ATTR_ERROR_TYPE,
  TRANSCODE_MODES,
  spanContentTranscodeQuality,
} from '@coursecast/semconv';

/** `<width>x<height>`, as resolution attributes spell it. */
export function resolution(w: number, h: number): string {
  return `${w}x${h}`;
}

/** The source's facts, as attributes of the transcode span. */
export function sourceAttributes(info: MediaInfo): Record<string, string | number> {
  return {
    [ATTR_CONTENT_SOURCE_CODEC]: info.video?.codec ?? 'none',
    [ATTR_CONTENT_SOURCE_AUDIO_CODEC]: info.audio?.codec ?? 'none',
    [ATTR_CONTENT_SOURCE_CONTAINER]: info.container,
    [ATTR_CONTENT_SOURCE_RESOLUTION]: info.video ? resolution(info.video.width, info.video.height) : 'none',
    [ATTR_CONTENT_SOURCE_DURATION]: info.durationSeconds,
  };
}

/** Marks a span failed with the error and its bounded type. */
export function failSpan(span: Span, err: unknown, type: string): void {
  span.recordException(err instanceof Error ? err : new Error(String(err)));
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * Starts one span per quality of the ladder under the job's span (one for the audio when there is no
 * video rung), into `spans` by quality name.
 */
export function startRungSpans(
  tracer: Tracer,
  parent: Context,
  itemId: string,
  ladder: LadderPlan,
  spans: Map<string, Span>,
): void {
  for (const rung of ladder.rungs) {
    spans.set(
      rung.name,
      tracer.startSpan(
        spanContentTranscodeQuality(rung.name),
        {
          attributes: {
            [ATTR_CONTENT_VIDEO_ID]: itemId,
            [ATTR_CONTENT_TARGET_QUALITY]: rung.name,
            [ATTR_CONTENT_TARGET_RESOLUTION]: resolution(rung.width, rung.height),
            [ATTR_CONTENT_TARGET_BITRATE]: rung.videoBitrate,
            [ATTR_CONTENT_TRANSCODE_MODE]: rung.mode,
          },
        },
        parent,
      ),
    );
  }
  if (ladder.rungs.length === 0 && ladder.audio) {
    spans.set(
      'audio',
      tracer.startSpan(
        spanContentTranscodeQuality('audio'),
        {
          attributes: {
            [ATTR_CONTENT_VIDEO_ID]: itemId,
            [ATTR_CONTENT_TARGET_QUALITY]: 'audio',
            [ATTR_CONTENT_TARGET_BITRATE]: ladder.audio.bitrate,
            [ATTR_CONTENT_TRANSCODE_MODE]: TRANSCODE_MODES.encode,
          },
        },
        parent,
      ),
    );
  }
}

/** Ends a finished quality's span with what it measured, at the time the quality finished. */
export function endRungSpan(span: Span, r: RungResult): void {
  span.setAttributes({
    [ATTR_CONTENT_OUTPUT_BITRATE]: Math.round(r.averageBitrate),
    [ATTR_CONTENT_OUTPUT_PEAK_BITRATE]: Math.round(r.peakBitrate),
    [ATTR_CONTENT_SEGMENT_COUNT]: r.segmentCount,
  });
  span.end(r.finishedAt);
}
