import { DEFAULT_LADDER_OPTIONS } from '@coursecast/media';
import type { MediaPaths } from '../catalog/media-paths.js';
import type { Config } from '../config.js';
import type { Instrumentation } from '../instrumentation/instrumentation.js';
import type { CatalogStore } from '../store/index.js';
import type { JobEventBus } from './job-events.js';
import { createJobQueue, type JobQueue, type JobRunner, type QueueLogger } from './job-queue.js';
import { createTranscodeMetrics } from './transcode-instruments.js';
import { createTranscodeRunner } from './transcode-runner.js';

/** What a published ladder carries that is not encoded: the item's caption tracks (the captions stage). */
export interface LadderExtras {
  /** Adds the item's tracks to a staged ladder before it is published. */
  decorate(itemId: string, stagingDir: string): Promise<void>;
  /** After a publish: republishes when a track changed while the ladder was encoding. */
  reconcile(itemId: string): Promise<void>;
}

/** The transcode job queue and the runner it drives (the runner's metrics read the queue's counts). */
export function createTranscodeQueue(
  config: Config,
  d: {
    store: CatalogStore;
    events: JobEventBus;
    logger: QueueLogger;
    paths: MediaPaths;
    instrumentation: Instrumentation;
    purge: (itemId: string) => void;
    captions: LadderExtras;
  },
): JobQueue {
  const runJob: JobRunner = (ctx) => runner(ctx);
  const queue = createJobQueue({
    store: d.store,
    run: runJob,
    events: d.events,
    logger: d.logger,
    concurrency: config.transcode.concurrency,
    retryBaseSeconds: config.transcode.retryBaseSeconds,
  });
  const metrics = createTranscodeMetrics(d.instrumentation.meter, queue);
  const runner = createTranscodeRunner({
    store: d.store,
    paths: d.paths,
    tracer: d.instrumentation.tracer,
    metrics,
    ffmpegPath: config.ffmpegPath,
    ffprobePath: config.ffprobePath,
    ladder: {
      ...DEFAULT_LADDER_OPTIONS,
      heights: config.transcode.ladder,
      segmentSeconds: config.transcode.segmentSeconds,
      audioBitrate: config.transcode.audioBitrate,
      allowCopy: config.transcode.allowCopy,
      preset: config.transcode.preset,
    },
    timeoutMs: config.transcode.timeoutSeconds * 1000,
    beforePublish: (itemId, dir) => d.captions.decorate(itemId, dir),
    onPublished: (itemId) => {
      d.purge(itemId);
      // A track changed while the ladder was encoding: the new ladder gets it now.
      d.captions
        .reconcile(itemId)
        .catch((err: unknown) => d.logger.warn({ err, itemId }, 'captions not republished'));
    },
  });
  return queue;
}
