import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { context, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
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
  ATTR_CONTENT_FRAME_TIMING,
  ATTR_CONTENT_QUALITY,
  ATTR_CONTENT_RETIME_SKIPPED,
  ATTR_CONTENT_JOB_ATTEMPT,
  ATTR_CONTENT_JOB_ID,
  ATTR_CONTENT_QUALITIES_COMPLETED,
  ATTR_CONTENT_TARGET_QUALITIES,
  ATTR_CONTENT_TRANSCODE_SPEED,
  ATTR_CONTENT_VIDEO_ID,
  ITEM_STATUSES,
  SPAN_CONTENT_PROBE,
  SPAN_CONTENT_TRANSCODE_VIDEO,
  TRANSCODE_ERROR_TYPES,
  TRANSCODE_MODES,
} from '@coursecast/semconv';
import type { MediaPaths } from '../catalog/media-paths.js';
import { publishDir } from '../store/durable-files.js';
import type { CatalogStore, Item, Job, Rendition } from '../store/index.js';
import { classifyJobFailure, JobError } from './job-failure.js';
import type { JobContext, JobRunner } from './job-queue.js';
import type { TranscodeMetrics } from './transcode-instruments.js';
import { endRungSpan, failSpan, sourceAttributes, startRungSpans } from './transcode-spans.js';

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
  /** Adds to a staged ladder what is not encoded (the item's caption tracks), before it is published. */
  beforePublish?: (itemId: string, stagingDir: string) => Promise<void>;
}

/** Quality label for failures that happen before a ladder exists (probing the source). */
const SOURCE_QUALITY = 'source';

/** What the ladder run produced (its type is internal to the media package). */
type LadderResult = Awaited<ReturnType<typeof transcodeVodHls>>;

/** An attempt's trace, and what a failure must report: the plan once made, the open spans, the qualities done. */
interface AttemptTrace {
  readonly jobSpan: Span;
  readonly jobCtx: Context;
  readonly rungSpans: Map<string, Span>;
  plan: LadderPlan | null;
  readonly completed: RungResult[];
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
  return (ctx) => runTranscode(deps, ctx);
}

/** Removes every staging folder of the job (this attempt's, and what earlier attempts left). */
async function removeStagings(itemDir: string, jobId: string): Promise<void> {
  const entries = await readdir(itemDir).catch(() => [] as string[]);
  const mine = entries.filter((e) => e === `.staging-${jobId}` || e.startsWith(`.staging-${jobId}-a`));
  await Promise.all(mine.map((e) => rm(path.join(itemDir, e), { recursive: true, force: true })));
}

async function runTranscode(deps: TranscodeRunnerDeps, ctx: JobContext): Promise<void> {
  const { job } = ctx;
  const { item, sourceFile } = await transcodableItem(deps.store, job);
  const source = deps.paths.resolve(sourceFile);
  // A folder per attempt: an earlier attempt's FFmpeg, were it still alive, never writes into this one's.
  const staging = deps.paths.stagingDir(item.id, `${job.id}-a${job.attempts}`);
  const jobSpan = deps.tracer.startSpan(SPAN_CONTENT_TRANSCODE_VIDEO, {
    attributes: {
      [ATTR_CONTENT_VIDEO_ID]: item.id,
      [ATTR_CONTENT_COURSE_ID]: item.courseId,
      [ATTR_CONTENT_JOB_ID]: job.id,
      [ATTR_CONTENT_JOB_ATTEMPT]: job.attempts,
    },
  });
  const t: AttemptTrace = {
    jobSpan,
    jobCtx: trace.setSpan(context.active(), jobSpan),
    rungSpans: new Map(),
    plan: null,
    completed: [],
  };
  try {
    await stat(source).catch(() => {
      throw new JobError(TRANSCODE_ERROR_TYPES.invalidMedia, `source file ${sourceFile} is missing`, false);
    });
    const info = await probeSource(deps, t, source, ctx.signal);
    const ladder = planFor(deps, t, info);
    await removeStagings(deps.paths.itemMediaDir(item.id), job.id);
    const result = await runLadder(deps, ctx, t, { itemId: item.id, source, staging, ladder, info });
    await publishVersion(deps, item.id, job.id, staging, result, info);
    recordSuccess(deps.metrics, jobSpan, ladder, result);
    // Publish time counts a lecture's first ladder only: a re-transcode's item was playable from its ladder all along.
    if (!item.mediaVersion) {
      deps.metrics.ladderReady(info.durationSeconds, (Date.now() - Date.parse(item.createdAt)) / 1000);
    }
  } catch (err) {
    recordFailure(deps.metrics, t, err);
    // The transcoder removes its own output on failure; this also covers failures after it returned.
    await rm(staging, { recursive: true, force: true });
    throw err;
  } finally {
    jobSpan.end();
  }
}

/** The job's item, when it still exists and has a source; a JobError that retrying won't fix otherwise. */
async function transcodableItem(store: CatalogStore, job: Job): Promise<{ item: Item; sourceFile: string }> {
  const item = await store.getItem(job.itemId);
  if (!item) throw new JobError(TRANSCODE_ERROR_TYPES.internal, `item ${job.itemId} no longer exists`, false);
  if (!item.sourceFile) {
    throw new JobError(TRANSCODE_ERROR_TYPES.invalidMedia, `item ${item.id} has no source file`, false);
  }
  return { item, sourceFile: item.sourceFile };
}

/** Probes the source under a `content.probe` span. */
async function probeSource(
  deps: TranscodeRunnerDeps,
  t: AttemptTrace,
  source: string,
  signal: AbortSignal,
): Promise<MediaInfo> {
  const probeSpan = deps.tracer.startSpan(SPAN_CONTENT_PROBE, {}, t.jobCtx);
  try {
    return await probeMedia(source, { ffprobePath: deps.ffprobePath, signal, timeoutMs: 60_000 });
  } catch (err) {
    failSpan(probeSpan, err, classifyJobFailure(err).type);
    throw err;
  } finally {
    probeSpan.end();
  }
}

/** Plans the ladder for the source, noting the plan and the copy decision on the job's span. */
function planFor(deps: TranscodeRunnerDeps, t: AttemptTrace, info: MediaInfo): LadderPlan {
  t.jobSpan.setAttributes(sourceAttributes(info));
  const ladder = planLadder(info, deps.ladder);
  t.plan = ladder;
  t.jobSpan.setAttribute(ATTR_CONTENT_TARGET_QUALITIES, ladder.qualities.join(','));
  t.jobSpan.setAttribute(ATTR_CONTENT_FRAME_TIMING, ladder.frameTiming);
  t.jobSpan.addEvent('ladder planned', {
    'content.copy_decision': `${ladder.copyDecision.copy ? 'copy' : 'encode'}: ${ladder.copyDecision.reasons.join('; ')}`,
  });
  return ladder;
}

/** Runs the ladder into the staging dir: a span per quality from the spawn, ended as each quality finishes. */
function runLadder(
  deps: TranscodeRunnerDeps,
  ctx: JobContext,
  t: AttemptTrace,
  run: { itemId: string; source: string; staging: string; ladder: LadderPlan; info: MediaInfo },
): Promise<LadderResult> {
  return transcodeVodHls({
    input: run.source,
    outDir: run.staging,
    plan: run.ladder,
    durationSeconds: run.info.durationSeconds,
    ffmpegPath: deps.ffmpegPath,
    ffprobePath: deps.ffprobePath,
    timeoutMs: deps.timeoutMs,
    signal: ctx.signal,
    onSpawn: () => startRungSpans(deps.tracer, t.jobCtx, run.itemId, run.ladder, t.rungSpans),
    onProgress: (p) =>
      ctx.progress({ percent: p.percent, speed: p.speed, etaSeconds: p.etaSeconds, rungs: p.rungs }),
    onRungComplete: (r) => {
      t.completed.push(r);
      const span = t.rungSpans.get(r.name);
      t.rungSpans.delete(r.name);
      deps.metrics.rungDone(r.name, r.mode, (r.finishedAt - r.startedAt) / 1000);
      if (span) endRungSpan(span, r);
    },
  });
}

/**
 * Moves the staged version live and commits it (renditions, item ready) in one store call; a failed commit
 * takes the files back out. Then older versions go, and the edge hears of it.
 */
async function publishVersion(
  deps: TranscodeRunnerDeps,
  itemId: string,
  jobId: string,
  staging: string,
  result: LadderResult,
  info: MediaInfo,
): Promise<void> {
  const { paths } = deps;
  const live = paths.versionDir(itemId, jobId);
  // A previous attempt of this job may have died between publishing and committing.
  await rm(live, { recursive: true, force: true });
  await deps.beforePublish?.(itemId, staging);
  await publishDir(staging, live);
  try {
    await deps.store.completeTranscode(jobId, toRenditions(itemId, result.rungs), {
      status: ITEM_STATUSES.ready,
      error: null,
      durationSeconds: info.durationSeconds,
      mediaVersion: jobId,
      posterFile: result.poster ? paths.relative(path.join(live, result.poster)) : null,
    });
  } catch (err) {
    await rm(live, { recursive: true, force: true });
    throw err;
  }
  await removeOtherVersions(paths, itemId, jobId);
  deps.onPublished?.(itemId);
}

/** The job's speed metric and the span's outcome attributes. */
function recordSuccess(
  metrics: TranscodeMetrics,
  jobSpan: Span,
  ladder: LadderPlan,
  result: LadderResult,
): void {
  const mode = ladder.rungs.some((r) => r.mode === TRANSCODE_MODES.copy)
    ? TRANSCODE_MODES.copy
    : TRANSCODE_MODES.encode;
  metrics.jobSpeed(mode, result.speed);
  jobSpan.setAttributes({
    [ATTR_CONTENT_QUALITIES_COMPLETED]: result.rungs.length,
    [ATTR_CONTENT_TRANSCODE_SPEED]: result.speed,
    [ATTR_CONTENT_ENCODER_STARTUP]: result.encoderStartupSeconds,
  });
  for (const r of result.retimed.filter((x) => !x.retimed)) {
    // Still playable, with each segment's last frame cut short: worth a look, not a failure.
    jobSpan.addEvent('rung kept the encoder timing', {
      [ATTR_CONTENT_QUALITY]: r.name,
      [ATTR_CONTENT_RETIME_SKIPPED]: r.reason ?? 'unknown',
    });
  }
  jobSpan.setStatus({ code: SpanStatusCode.OK });
}

/** Counts an error per unfinished quality (or the source's, before a plan) and fails the open spans. */
function recordFailure(metrics: TranscodeMetrics, t: AttemptTrace, err: unknown): void {
  const failure = classifyJobFailure(err);
  const { plan, completed } = t;
  const unfinished = plan ? plan.qualities.filter((q) => !completed.some((r) => r.name === q)) : [];
  for (const quality of unfinished.length ? unfinished : [SOURCE_QUALITY])
    metrics.error(quality, failure.type);
  for (const span of t.rungSpans.values()) {
    failSpan(span, err, failure.type);
    span.end();
  }
  t.rungSpans.clear();
  t.jobSpan.setAttribute(ATTR_CONTENT_QUALITIES_COMPLETED, completed.length);
  failSpan(t.jobSpan, err, failure.type);
}

/**
 * Old versions go as soon as the new one is committed: their URLs are no longer handed out, and a
 * player still on one gets a 404 and reloads the item. Staging dirs (dot-dirs) belong to running jobs.
 */
async function removeOtherVersions(paths: MediaPaths, itemId: string, keep: string): Promise<void> {
  const dir = paths.itemMediaDir(itemId);
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((name) => name !== keep && !name.startsWith('.'))
      .map((name) => rm(path.join(dir, name), { recursive: true, force: true })),
  );
}
