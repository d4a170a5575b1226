import { copyFile, link, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentSource } from '@coursecast/api';
import { ITEM_KINDS } from '@coursecast/semconv';
import type { MediaPaths } from '../catalog/media-paths.js';
import { AppError } from '../errors.js';
import { checkDocumentFile, DOCUMENT_FORMATS, type DocumentType } from './document-sniff.js';
import { keepFile, publishDir } from '../store/durable-files.js';
import { newId, type CatalogStore, type Item } from '../store/index.js';
import { titleFromFilename, type ReceivedUpload } from './upload-receiver.js';

export interface DocumentUploadDeps {
  store: CatalogStore;
  paths: MediaPaths;
}

/**
 * The name learners' browsers save the document under (`extension` with its dot): the uploaded name's letters and digits, never a
 * dot-name (delivery hides those) and always the extension of the type the bytes really are.
 */
export function downloadName(filename: string | undefined, extension: string): string {
  const base = path
    .basename(filename ?? '', path.extname(filename ?? ''))
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 100);
  return `${base || 'document'}${extension}`;
}

/**
 * A document (PDF, slide images): checked beyond its magic bytes, kept as the item's source and published
 * as one immutable file under a new version, so it is delivered (with ranges) like any segment.
 */
export async function ingestDocument(
  upload: ReceivedUpload,
  courseId: string,
  format: DocumentType,
  deps: DocumentUploadDeps,
): Promise<Item> {
  const { paths } = deps;
  const problem = await checkDocumentFile(upload.file, format);
  if (problem) throw new AppError('invalid_document', problem, { format });
  const { extension, contentType } = DOCUMENT_FORMATS[format];
  const source = path.join(upload.dir, `source${extension}`);
  await keepFile(upload.file, source);

  const fileName = downloadName(upload.filename, extension);
  const version = newId('ver');
  const staging = paths.stagingDir(upload.itemId, version);
  await mkdir(staging, { recursive: true });
  // The published copy is a hard link: the same bytes once on disk, and deleting the item removes both names.
  await link(source, path.join(staging, fileName)).catch(() =>
    copyFile(source, path.join(staging, fileName)),
  );
  await publishDir(staging, paths.versionDir(upload.itemId, version));
  // What the item keeps as `sourceInfo` (the API's `source`).
  const info: DocumentSource = { document: { format, contentType, bytes: upload.size, fileName } };
  return deps.store.createReadyItem({
    id: upload.itemId,
    courseId,
    kind: ITEM_KINDS.document,
    title: upload.title ?? titleFromFilename(upload.filename, 'Untitled document'),
    sourceFile: paths.relative(source),
    sourceBytes: upload.size,
    sourceInfo: info,
    durationSeconds: null,
    mediaVersion: version,
  });
}
