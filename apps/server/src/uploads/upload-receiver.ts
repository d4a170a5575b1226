import { createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { ITEM_KINDS, type ItemKind } from '@coursecast/semconv';
import { z } from 'zod';
import type { MediaPaths } from '../catalog/media-paths.js';
import { cleanTitle, TitleInput } from '../catalog/title-text.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { newId } from '../store/index.js';
import { parseInput } from '../validation.js';

/** A multipart upload on disk, not yet validated. The caller owns `dir` and removes it on failure. */
export interface ReceivedUpload {
  itemId: string;
  /** `uploads/<item>`: the item's private folder. */
  dir: string;
  /** The received bytes, as they came. */
  file: string;
  size: number;
  /** The client's file name (untrusted: only used for titles and download names). */
  filename: string | undefined;
  title: string | undefined;
  /** The kind the client said it sends, if it said. */
  kind: ItemKind | undefined;
  /** The first bytes, for sniffing the type. */
  head: Buffer;
  /** When the last byte arrived (epoch ms): publish time counts from here. */
  completedAt: number;
}

export interface ReceiverDeps {
  paths: MediaPaths;
  config: Config;
  freeBytes: (dir: string) => Promise<number>;
}

const KindField = z.enum(Object.values(ITEM_KINDS) as [ItemKind, ...ItemKind[]]);
const HEAD_BYTES = 64;

/** Free bytes on the data volume. */
export async function volumeFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/**
 * Refuses (507) an upload of `bytes` that would leave less than `upload.minFreeBytes` free on the data volume
 * (`reservedBytes`: what other uploads in flight may still write).
 */
export async function requireFreeSpace(deps: ReceiverDeps, bytes: number, reservedBytes = 0): Promise<void> {
  await mkdir(deps.paths.dataDir, { recursive: true });
  const needed = bytes + reservedBytes + deps.config.upload.minFreeBytes;
  const free = await deps.freeBytes(deps.paths.dataDir);
  if (free < needed) {
    throw new AppError(
      'insufficient_storage',
      `only ${free} bytes free on the data volume; ${needed} needed`,
      {
        freeBytes: free,
        neededBytes: needed,
      },
    );
  }
}

function fieldValue(part: { fields: Record<string, unknown> }, name: string): string | undefined {
  const field = part.fields[name] as { value?: unknown } | undefined;
  return field && typeof field.value === 'string' ? field.value : undefined;
}

/** The first bytes of a file, for sniffing its type. */
export async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Streams the multipart `file` part (optional `title` and `kind` fields before it) to `uploads/<new item>/`,
 * after checking the declared size and the free space. Nothing is left on disk when it throws.
 */
export async function receiveUpload(request: FastifyRequest, deps: ReceiverDeps): Promise<ReceivedUpload> {
  const { config, paths } = deps;
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 'expected a multipart/form-data body with a `file` field');
  }
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > config.upload.maxBytes + 64 * 1024) {
    throw new AppError(
      'file_too_large',
      `the upload is ${declared} bytes; the limit is ${config.upload.maxBytes}`,
      { limit: config.upload.maxBytes },
    );
  }
  await requireFreeSpace(deps, Number.isFinite(declared) ? declared : config.upload.maxBytes);

  const part = await request.file();
  if (!part) throw new AppError('missing_file', 'the multipart body has no `file` part');
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw new AppError(
      'missing_file',
      `expected the file in a field named \`file\`, got \`${part.fieldname}\``,
    );
  }
  let title: string | undefined;
  let kind: ItemKind | undefined;
  try {
    const rawTitle = fieldValue(part, 'title');
    title = rawTitle === undefined ? undefined : parseInput(TitleInput, rawTitle, 'title');
    const rawKind = fieldValue(part, 'kind');
    kind = rawKind === undefined ? undefined : parseInput(KindField, rawKind, 'kind');
  } catch (err) {
    part.file.resume();
    throw err;
  }

  const itemId = newId('itm');
  const dir = paths.uploadDir(itemId);
  const file = path.join(dir, 'upload.part');
  // The whole body: the limit counts from here, a few milliseconds after the request arrived.
  const deadline = AbortSignal.timeout(config.upload.timeoutSeconds * 1000);
  try {
    await mkdir(dir, { recursive: true });
    await pipeline(part.file, createWriteStream(file, { flags: 'wx' }), { signal: deadline });
    if (part.file.truncated) {
      throw new AppError(
        'file_too_large',
        `the file exceeds the ${config.upload.maxBytes}-byte upload limit`,
        {
          limit: config.upload.maxBytes,
        },
      );
    }
    const size = (await stat(file)).size;
    if (size === 0) {
      throw new AppError('empty_file', `the uploaded file ${part.filename ?? ''} is empty`.trim());
    }
    const completedAt = Date.now();
    return {
      itemId,
      dir,
      file,
      size,
      filename: part.filename,
      title,
      kind,
      head: await readHead(file),
      completedAt,
    };
  } catch (err) {
    if (deadline.aborted) {
      await rm(dir, { recursive: true, force: true });
      throw new AppError(
        'body_timeout',
        `the upload did not complete within ${config.upload.timeoutSeconds} s ` +
          '(upload.timeoutSeconds, COURSECAST_UPLOAD_TIMEOUT_SECONDS)',
        { limitSeconds: config.upload.timeoutSeconds },
      );
    }
    part.file.resume();
    await rm(dir, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new AppError('insufficient_storage', 'the data volume filled up during the upload');
    }
    throw err;
  }
}

/** A title from a file name: its base name without the extension, or `fallback`. */
export function titleFromFilename(filename: string | undefined, fallback: string): string {
  return cleanTitle(path.basename(filename ?? '', path.extname(filename ?? ''))) || fallback;
}
