import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { context, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import {
  planLadder,
  probeMedia,
  transcodeVodHls,
  type LadderOptions,
  type LadderPlan,
  type MediaInfo,
  type RungResult,
} from '@coursecast/media';
import {
  ATTR_CONTENT_COURSE_ID,
  ATTR_CONTENT_ENCODER_STARTUP,
  ATTR_CONTENT_JOB_ATTEMPT,
  ATTR_CONTENT_JOB_ID,
  ATTR_CONTENT_OUTPUT_BITRATE,
  ATTR_CONTENT_OUTPUT_PEAK_BITRATE,
  ATTR_CONTENT_QUALITIES_COMPLETED,
  ATTR_CONTENT_SEGMENT_COUNT,
  ATTR_CONTENT_SOURCE_AUDIO_CODEC,
  ATTR_CONTENT_SOURCE_CODEC,
  ATTR_CONTENT_SOURCE_CONTAINER,
  ATTR_CONTENT_SOURCE_DURATION,
  ATTR_CONTENT_SOURCE_RESOLUTION,
  ATTR_CONTENT_TARGET_BITRATE,
  ATTR_CONTENT_TARGET_QUALITIES,
  ATTR_CONTENT_TARGET_QUALITY,
  ATTR_CONTENT_TARGET_RESOLUTION,
  ATTR_CONTENT_TRANSCODE_MODE,
  ATTR_CONTENT_TRANSCODE_SPEED,
  ATTR_CONTENT_VIDEO_ID,
  ATTR_ERROR_TYPE,
  ITEM_STATUSES,
  SPAN_CONTENT_PROBE,
  SPAN_CONTENT_TRANSCODE_VIDEO,
  TRANSCODE_ERROR_TYPES,
  TRANSCODE_MODES,
  spanContentTranscodeQuality,
} from '@coursecast/semconv';
import type { MediaPaths } from '../catalog/media-paths.js';
import type { CatalogStore, Rendition } from '../store/index.js';
import { classifyJobFailure, JobError } from './job-failure.js';
import type { JobContext, JobRunner } from './job-queue.js';
import type { TranscodeMetrics } from './transcode-instruments.js';

export interface TranscodeRunnerDeps {
  store: CatalogStore;
  paths: MediaPaths;
  tracer: Tracer;
  metrics: TranscodeMetrics;
  ffmpegPath: string;
  ffprobePath: string;
  ladder: LadderOptions;
  timeoutMs: number;
  /** Called after a new version is published and older ones are removed (the edge purges the item). */
  onPublished?: (itemId: string) => void;
}

/** Quality label for failures that happen before a ladder exists (probing the source). */
const SOURCE_QUALITY = 'source';

function resolution(w: number, h: number): string {
  return `${w}x${h}`;
}

function sourceAttributes(info: MediaInfo): Record<string, string | number> {
  return {
    [ATTR_CONTENT_SOURCE_CODEC]: info.video?.codec ?? 'none',
    [ATTR_CONTENT_SOURCE_AUDIO_CODEC]: info.audio?.codec ?? 'none',
    [ATTR_CONTENT_SOURCE_CONTAINER]: info.container,
    [ATTR_CONTENT_SOURCE_RESOLUTION]: info.video ? resolution(info.video.width, info.video.height) : 'none',
    [ATTR_CONTENT_SOURCE_DURATION]: info.durationSeconds,
  };
}

function failSpan(span: Span, err: unknown, type: string): void {
  span.recordException(err instanceof Error ? err : new Error(String(err)));
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** The renditions as stored: the ladder's measured facts, not the planned ones. */
function toRenditions(itemId: string, rungs: RungResult[]): Rendition[] {
  return rungs.map((r) => ({
    itemId,
    name: r.name,
    width: r.width,
    height: r.height,
    averageBitrate: Math.round(r.averageBitrate),
    peakBitrate: Math.round(r.peakBitrate),
    codecs: r.codecs,
    mode: r.mode,
    playlist: r.playlist,
    segmentCount: r.segmentCount,
    bytes: r.bytes,
  }));
}

/**
 * One transcode attempt: probe → plan → the ladder in one ffmpeg → publish atomically. Traced as
 * `content.transcode_video` with a child span per quality (see docs/metrics.md for the timings).
 */
export function createTranscodeRunner(deps: TranscodeRunnerDeps): JobRunner {
  const { store, paths, tracer, metrics } = deps;

  return async function runTranscode(ctx: JobContext): Promise<void> {
    const { job, signal } = ctx;
    const item = await store.getItem(job.itemId);
    if (!item)
      throw new JobError(TRANSCODE_ERROR_TYPES.internal, `item ${job.itemId} no longer exists`, false);
    if (!item.sourceFile) {
      throw new JobError(TRANSCODE_ERROR_TYPES.invalidMedia, `item ${item.id} has no source file`, false);
    }
    const source = paths.resolve(item.sourceFile);
    const staging = paths.stagingDir(item.id, job.id);
    const jobSpan = tracer.startSpan(SPAN_CONTENT_TRANSCODE_VIDEO, {
      attributes: {
        [ATTR_CONTENT_VIDEO_ID]: item.id,
        [ATTR_CONTENT_COURSE_ID]: item.courseId,
        [ATTR_CONTENT_JOB_ID]: job.id,
        [ATTR_CONTENT_JOB_ATTEMPT]: job.attempts,
      },
    });
    const jobCtx = trace.setSpan(context.active(), jobSpan);
    const rungSpans = new Map<string, Span>();
    let plan: LadderPlan | null = null;
    const completed: RungResult[] = [];

    try {
      await stat(source).catch(() => {
        throw new JobError(
          TRANSCODE_ERROR_TYPES.invalidMedia,
          `source file ${item.sourceFile} is missing`,
          false,
        );
      });
      const probeSpan = tracer.startSpan(SPAN_CONTENT_PROBE, {}, jobCtx);
      let info: MediaInfo;
      try {
        info = await probeMedia(source, { ffprobePath: deps.ffprobePath, signal, timeoutMs: 60_000 });
      } catch (err) {
        failSpan(probeSpan, err, classifyJobFailure(err).type);
        throw err;
      } finally {
        probeSpan.end();
      }
      jobSpan.setAttributes(sourceAttributes(info));
      const ladder = planLadder(info, deps.ladder);
      plan = ladder;
      jobSpan.setAttribute(ATTR_CONTENT_TARGET_QUALITIES, ladder.qualities.join(','));
      jobSpan.addEvent('ladder planned', {
        'content.copy_decision': `${ladder.copyDecision.copy ? 'copy' : 'encode'}: ${ladder.copyDecision.reasons.join('; ')}`,
      });

      await rm(staging, { recursive: true, force: true });
      const startRungSpans = (): void => {
        for (const rung of ladder.rungs) {
          rungSpans.set(
            rung.name,
            tracer.startSpan(
              spanContentTranscodeQuality(rung.name),
              {
                attributes: {
                  [ATTR_CONTENT_VIDEO_ID]: item.id,
                  [ATTR_CONTENT_TARGET_QUALITY]: rung.name,
                  [ATTR_CONTENT_TARGET_RESOLUTION]: resolution(rung.width, rung.height),
                  [ATTR_CONTENT_TARGET_BITRATE]: rung.videoBitrate,
                  [ATTR_CONTENT_TRANSCODE_MODE]: rung.mode,
                },
              },
              jobCtx,
            ),
          );
        }
        if (ladder.rungs.length === 0 && ladder.audio) {
          rungSpans.set(
            'audio',
            tracer.startSpan(
              spanContentTranscodeQuality('audio'),
              {
                attributes: {
                  [ATTR_CONTENT_VIDEO_ID]: item.id,
                  [ATTR_CONTENT_TARGET_QUALITY]: 'audio',
                  [ATTR_CONTENT_TARGET_BITRATE]: ladder.audio.bitrate,
                  [ATTR_CONTENT_TRANSCODE_MODE]: TRANSCODE_MODES.encode,
                },
              },
              jobCtx,
            ),
          );
        }
      };

      const result = await transcodeVodHls({
        input: source,
        outDir: staging,
        plan: ladder,
        durationSeconds: info.durationSeconds,
        ffmpegPath: deps.ffmpegPath,
        timeoutMs: deps.timeoutMs,
        signal,
        onSpawn: startRungSpans,
        onProgress: (p) =>
          ctx.progress({ percent: p.percent, speed: p.speed, etaSeconds: p.etaSeconds, rungs: p.rungs }),
        onRungComplete: (r) => {
          completed.push(r);
          const span = rungSpans.get(r.name);
          rungSpans.delete(r.name);
          const seconds = (r.finishedAt - r.startedAt) / 1000;
          metrics.rungDone(r.name, r.mode, seconds);
          if (!span) return;
          span.setAttributes({
            [ATTR_CONTENT_OUTPUT_BITRATE]: Math.round(r.averageBitrate),
            [ATTR_CONTENT_OUTPUT_PEAK_BITRATE]: Math.round(r.peakBitrate),
            [ATTR_CONTENT_SEGMENT_COUNT]: r.segmentCount,
          });
          span.end(r.finishedAt);
        },
      });

      const live = paths.versionDir(item.id, job.id);
      // A previous attempt of this job may have died between publishing and committing.
      await rm(live, { recursive: true, force: true });
      await rename(staging, live);
      try {
        await store.completeTranscode(job.id, toRenditions(item.id, result.rungs), {
          status: ITEM_STATUSES.ready,
          error: null,
          durationSeconds: info.durationSeconds,
          mediaVersion: job.id,
          posterFile: result.poster ? paths.relative(path.join(live, result.poster)) : null,
        });
      } catch (err) {
        await rm(live, { recursive: true, force: true });
        throw err;
      }
      await removeOtherVersions(item.id, job.id);
      deps.onPublished?.(item.id);
      const mode = ladder.rungs.some((r) => r.mode === TRANSCODE_MODES.copy)
        ? TRANSCODE_MODES.copy
        : TRANSCODE_MODES.encode;
      metrics.jobSpeed(mode, result.speed);
      jobSpan.setAttributes({
        [ATTR_CONTENT_QUALITIES_COMPLETED]: result.rungs.length,
        [ATTR_CONTENT_TRANSCODE_SPEED]: result.speed,
        [ATTR_CONTENT_ENCODER_STARTUP]: result.encoderStartupSeconds,
      });
      jobSpan.setStatus({ code: SpanStatusCode.OK });
    } catch (err) {
      const failure = classifyJobFailure(err);
      const unfinished = plan ? plan.qualities.filter((q) => !completed.some((r) => r.name === q)) : [];
      for (const quality of unfinished.length ? unfinished : [SOURCE_QUALITY])
        metrics.error(quality, failure.type);
      for (const span of rungSpans.values()) {
        failSpan(span, err, failure.type);
        span.end();
      }
      rungSpans.clear();
      jobSpan.setAttribute(ATTR_CONTENT_QUALITIES_COMPLETED, completed.length);
      failSpan(jobSpan, err, failure.type);
      // The transcoder removes its own output on failure; this also covers failures after it returned.
      await rm(staging, { recursive: true, force: true });
      throw err;
    } finally {
      jobSpan.end();
    }
  };

  /**
   * Old versions go as soon as the new one is committed: their URLs are no longer handed out, and a
   * player still on one gets a 404 and reloads the item. Staging dirs (dot-dirs) belong to running jobs.
   */
  async function removeOtherVersions(itemId: string, keep: string): Promise<void> {
    const dir = paths.itemMediaDir(itemId);
    const entries = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      entries
        .filter((name) => name !== keep && !name.startsWith('.'))
        .map((name) => rm(path.join(dir, name), { recursive: true, force: true })),
    );
  }
}
