import { mkdir } from 'node:fs/promises';
import type { UploadResponse } from '@coursecast/api';
import type { Upload } from '@tus/server';
import type { FastifyBaseLogger } from 'fastify';
import { ITEM_KINDS, type ItemKind } from '@coursecast/semconv';
import { z } from 'zod';
import { TitleInput } from '../catalog/title-text.js';
import { AppError } from '../errors.js';
import { newId } from '../store/index.js';
import { parseInput } from '../validation.js';
import type { DurableFileStore } from './resumable-store.js';
import { ingestReceived, type UploadIngestDeps } from './upload-ingest.js';
import { readHead } from './upload-receiver.js';

/** What a resumable upload declares in its `Upload-Metadata`, checked when it is created. */
export interface ResumableMetadata {
  course: string;
  filename: string | undefined;
  title: string | undefined;
  kind: ItemKind | undefined;
}

const Metadata = z.object({
  course: z.string().min(1).max(64),
  // `filename` is what tus-js-client examples send; `name` what Uppy sends.
  filename: z.string().max(1024).optional(),
  name: z.string().max(1024).optional(),
  title: TitleInput.optional(),
  kind: z.enum(Object.values(ITEM_KINDS) as [ItemKind, ...ItemKind[]]).optional(),
});

/** Reads and checks an upload's metadata (a 400 naming the bad key). `null` values (keys without one) are absent. */
export function parseResumableMetadata(raw: Upload['metadata']): ResumableMetadata {
  const present = Object.fromEntries(Object.entries(raw ?? {}).filter(([, v]) => v !== null && v !== ''));
  const m = parseInput(Metadata, present, 'Upload-Metadata');
  return { course: m.course, filename: m.filename ?? m.name, title: m.title, kind: m.kind };
}

/** What completing an upload needs. */
export interface CompletionDeps extends UploadIngestDeps {
  uploads: DurableFileStore;
}

/**
 * A resumable upload whose last byte arrived becomes an item, with the multipart route's checks and its single
 * transaction. The bytes move (a rename, same volume) into the new item's folder; whether it is accepted or
 * refused, the upload is gone afterwards, so a refused file never lingers.
 */
export async function completeResumable(
  upload: Upload,
  deps: CompletionDeps,
  log: FastifyBaseLogger,
): Promise<UploadResponse> {
  const completedAt = Date.now();
  try {
    const meta = parseResumableMetadata(upload.metadata);
    const course = await deps.store.getCourse(meta.course);
    if (!course)
      throw new AppError('course_not_found', `the course ${meta.course} was deleted during the upload`);
    if (!upload.size)
      throw new AppError('empty_file', `the uploaded file ${meta.filename ?? ''} is empty`.trim());
    const itemId = newId('itm');
    const dir = deps.paths.uploadDir(itemId);
    await mkdir(dir, { recursive: true });
    const file = deps.uploads.filePath(upload.id);
    return await ingestReceived(
      {
        itemId,
        dir,
        file,
        size: upload.size,
        filename: meta.filename,
        title: meta.title,
        kind: meta.kind,
        head: await readHead(file),
        completedAt,
      },
      meta.course,
      deps,
      log,
    );
  } finally {
    await deps.uploads.discard(upload.id);
  }
}
