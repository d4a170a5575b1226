import path from 'node:path';
import { checkIsoBmffIntegrity, MediaError, probeMedia, type MediaInfo } from '@coursecast/media';
import { ITEM_KINDS } from '@coursecast/semconv';
import type { MediaPaths } from '../catalog/media-paths.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { keepFile } from '../store/durable-files.js';
import { newId, type CatalogStore, type Item, type Job } from '../store/index.js';
import type { JobQueue } from '../transcoding/job-queue.js';
import { titleFromFilename, type ReceivedUpload } from './upload-receiver.js';

export interface VideoUploadDeps {
  store: CatalogStore;
  queue: JobQueue;
  paths: MediaPaths;
  config: Config;
}

/** A file extension safe to keep on disk (ffprobe looks at content, not names, but humans look at names). */
function safeExtension(filename: string | undefined): string {
  const ext = path.extname(filename ?? '').toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(ext) ? ext : '.bin';
}

/** Turns a probe failure into the API's answer. */
function mediaRejection(err: unknown): AppError {
  if (err instanceof MediaError && err.type === 'no_streams')
    return new AppError('no_media_streams', err.message);
  if (err instanceof MediaError && (err.type === 'invalid_media' || err.type === 'ffmpeg_exit')) {
    return new AppError('invalid_media', `not a media file: ${err.message}`);
  }
  throw err;
}

/**
 * A lecture: checks the container's integrity, probes it, keeps it as `source.<ext>` and queues its
 * transcode, so a file FFmpeg cannot read never becomes an item.
 */
export async function ingestVideo(
  upload: ReceivedUpload,
  courseId: string,
  deps: VideoUploadDeps,
): Promise<{ item: Item; job: Job }> {
  const { store, paths, config } = deps;
  const truncated = await checkIsoBmffIntegrity(upload.file);
  if (truncated) throw new AppError('truncated_media', truncated);
  let info: MediaInfo;
  try {
    info = await probeMedia(upload.file, {
      ffprobePath: config.ffprobePath,
      keyframes: false,
      timeoutMs: 60_000,
    });
  } catch (err) {
    throw mediaRejection(err);
  }
  const finalPath = path.join(upload.dir, `source${safeExtension(upload.filename)}`);
  await keepFile(upload.file, finalPath);
  const result = await store.createItemWithJob(
    {
      id: upload.itemId,
      courseId,
      kind: ITEM_KINDS.video,
      title: upload.title ?? titleFromFilename(upload.filename, 'Untitled lecture'),
      sourceFile: paths.relative(finalPath),
      sourceBytes: upload.size,
      sourceInfo: info,
      durationSeconds: info.durationSeconds,
    },
    { id: newId('job'), itemId: upload.itemId, maxAttempts: config.transcode.maxAttempts },
  );
  deps.queue.notify();
  return result;
}
