import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { UploadResponse } from '@coursecast/api';
import type { FastifyBaseLogger } from 'fastify';
import { ITEM_KINDS, PACKAGE_REJECTIONS, type ItemKind } from '@coursecast/semconv';
import type { MediaPaths } from '../catalog/media-paths.js';
import { toItemResponse } from '../catalog/item-response.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { ingestPackage } from '../interactive/package-publisher.js';
import type { PackageInstruments } from '../interactive/package-instruments.js';
import type { CatalogStore } from '../store/index.js';
import type { JobQueue } from '../transcoding/job-queue.js';
import type { PublishInstruments } from '../transcoding/publish-instruments.js';
import { sniffUpload, UPLOAD_TYPES, type UploadType } from './document-sniff.js';
import { ingestDocument } from './document-upload.js';
import { titleFromFilename, type ReceivedUpload } from './upload-receiver.js';
import { ingestVideo } from './video-upload.js';

/** What turning a received file into an item needs (both upload routes share it). */
export interface UploadIngestDeps {
  store: CatalogStore;
  queue: JobQueue;
  paths: MediaPaths;
  config: Config;
  baseUrl: () => string;
  /** The content origin's base URL (ADR 0010). */
  contentUrl: () => string;
  packageInstruments: PackageInstruments;
  /** The SCORM runtime script copied into SCORM packages. */
  scormRuntimeFile: string;
  /** Publish time: a lecture is playable (just in time) once its item commits. */
  publish: PublishInstruments;
}

/** The kind of item a file becomes, from its bytes. */
function kindOf(type: UploadType): ItemKind {
  if (type === UPLOAD_TYPES.zip) return ITEM_KINDS.interactive;
  if (type === UPLOAD_TYPES.other) return ITEM_KINDS.video;
  return ITEM_KINDS.document;
}

/**
 * Turns a received file into an item of `courseId`: what it is comes from its bytes (a PDF or an image becomes
 * a document, a zip an interactive package, anything else must be media FFmpeg can read), and each is validated
 * before it becomes an item. A refusal leaves neither rows nor files behind (the caller removes `upload.file`
 * when it lives outside `upload.dir`).
 */
export async function ingestReceived(
  upload: ReceivedUpload,
  courseId: string,
  deps: UploadIngestDeps,
  log: FastifyBaseLogger,
): Promise<UploadResponse> {
  const { store, paths, config } = deps;
  try {
    const type = sniffUpload(upload.head);
    refuseFalseName(upload.filename, type);
    const kind = kindOf(type);
    if (upload.kind !== undefined && upload.kind !== kind) {
      throw new AppError(
        'kind_mismatch',
        `the upload says it is a ${upload.kind}, but the file is ${describe(type)}`,
        {
          declared: upload.kind,
          detected: kind,
        },
      );
    }
    let view: UploadResponse;
    if (type === UPLOAD_TYPES.other) {
      const { item, job } = await ingestVideo(upload, courseId, deps);
      deps.publish.playable(item.durationSeconds, (Date.now() - upload.completedAt) / 1000);
      view = toItemResponse(item, [], job, deps.baseUrl(), deps.contentUrl());
    } else if (type === UPLOAD_TYPES.zip) {
      const item = await ingestPackage(
        { ...upload, filenameTitle: titleFromFilename(upload.filename, 'Untitled module') },
        courseId,
        {
          store,
          paths,
          instruments: deps.packageInstruments,
          scormRuntimeFile: deps.scormRuntimeFile,
          progress: (p) =>
            log.info(
              { itemId: upload.itemId, ...p },
              `unpacking: ${p.entriesDone}/${p.entriesTotal} files, ${p.bytesDone}/${p.bytesTotal} bytes`,
            ),
          limits: {
            maxEntries: config.upload.packageMaxEntries,
            maxTotalBytes: config.upload.packageMaxBytes,
            maxEntryBytes: config.upload.packageMaxBytes,
            maxRatio: config.upload.packageMaxRatio,
          },
        },
      );
      view = toItemResponse(item, [], null, deps.baseUrl(), deps.contentUrl());
    } else {
      const item = await ingestDocument(upload, courseId, type, { store, paths });
      view = toItemResponse(item, [], null, deps.baseUrl(), deps.contentUrl());
    }
    log.info({ itemId: upload.itemId, kind, bytes: upload.size }, 'upload accepted');
    return view;
  } catch (err) {
    await Promise.all([
      rm(upload.dir, { recursive: true, force: true }),
      rm(paths.itemMediaDir(upload.itemId), { recursive: true, force: true }),
    ]);
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new AppError('insufficient_storage', 'the data volume filled up while storing the upload');
    }
    throw err;
  }
}

// File names a document or package upload is recognised by: when the bytes disagree, the learner-facing
// answer is "this is not a PDF", not the media prober's "not a media file".
const CLAIMS: Readonly<Record<string, UploadType>> = {
  '.pdf': UPLOAD_TYPES.pdf,
  '.png': UPLOAD_TYPES.png,
  '.jpg': UPLOAD_TYPES.jpeg,
  '.jpeg': UPLOAD_TYPES.jpeg,
  '.gif': UPLOAD_TYPES.gif,
  '.webp': UPLOAD_TYPES.webp,
  '.zip': UPLOAD_TYPES.zip,
};

/** A file named `.pdf` (an image, a `.zip`) must be one. */
function refuseFalseName(filename: string | undefined, type: UploadType): void {
  const ext = path.extname(filename ?? '').toLowerCase();
  const claimed = CLAIMS[ext];
  if (claimed === undefined || claimed === type) return;
  // A `.jpg` holding a PNG is still an image: only a claim of the wrong class is refused.
  if (kindOf(claimed) === kindOf(type) && claimed !== UPLOAD_TYPES.zip) return;
  if (claimed === UPLOAD_TYPES.zip) {
    throw new AppError(
      'invalid_package',
      `${filename} is not a zip archive (its first bytes are not PK\\x03\\x04)`,
      {
        reason: PACKAGE_REJECTIONS.corruptZip,
      },
    );
  }
  throw new AppError(
    'invalid_document',
    `${filename} is not a ${claimed.toUpperCase()} file: its content is ${describe(type)}`,
    {
      format: claimed,
      detected: type,
    },
  );
}

function describe(type: UploadType): string {
  if (type === UPLOAD_TYPES.zip) return 'a zip (an interactive package)';
  if (type === UPLOAD_TYPES.other) return 'neither a document nor a zip';
  return `a ${type.toUpperCase()} document`;
}
