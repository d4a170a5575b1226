import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { AppError } from '../../errors.js';

/** Size caps on one request body. */
export interface BodyLimits {
  /** Bytes on the wire, before any content-encoding is undone. */
  readonly maxBodyBytes: number;
  /** Bytes after decompression: what a gzip bomb would blow up. */
  readonly maxDecodedBytes: number;
}

/** The content codings readBody undoes. */
export const SUPPORTED_CONTENT_ENCODINGS = ['gzip', 'x-gzip', 'deflate', 'identity'] as const;

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);

function parseCodings(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/** RFC 9110's "deflate" is zlib-wrapped, but some clients send raw deflate; the zlib header tells them apart. */
function hasZlibHeader(data: Buffer): boolean {
  const cmf = data[0];
  const flg = data[1];
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

function isTooLarge(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

async function decompress(coding: string, data: Buffer, maxOutputLength: number): Promise<Buffer> {
  // maxOutputLength makes zlib stop as soon as the output passes the cap, so a bomb never fills memory.
  const options: zlib.ZlibOptions = { maxOutputLength };
  try {
    if (coding === 'deflate') {
      return await (hasZlibHeader(data) ? inflate(data, options) : inflateRaw(data, options));
    }
    return await gunzip(data, options);
  } catch (error) {
    if (isTooLarge(error)) {
      throw new AppError('payload_too_large', `the ${coding} body expands beyond ${maxOutputLength} bytes`, {
        limit: maxOutputLength,
        encoding: coding,
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('invalid_body', `the ${coding} body is corrupt: ${reason}`, { encoding: coding });
  }
}

/**
 * Undoes the request's Content-Encoding (gzip, deflate, identity) within `limits`, and returns the
 * decoded bytes; 413 past a cap, 400 on corrupt data, 415 on a coding it does not know.
 */
export async function readBody(
  raw: Buffer,
  contentEncoding: string | undefined,
  limits: BodyLimits,
): Promise<Buffer> {
  if (raw.length > limits.maxBodyBytes) {
    throw new AppError(
      'payload_too_large',
      `the request body is ${raw.length} bytes, over the limit of ${limits.maxBodyBytes} bytes`,
      { limit: limits.maxBodyBytes, size: raw.length },
    );
  }
  const codings = parseCodings(contentEncoding);
  const unknown = codings.find((c) => !(SUPPORTED_CONTENT_ENCODINGS as readonly string[]).includes(c));
  if (unknown !== undefined) {
    throw new AppError(
      'unsupported_encoding',
      `content-encoding "${unknown}" is not supported; use ${SUPPORTED_CONTENT_ENCODINGS.join(', ')}`,
      { encoding: unknown, supported: [...SUPPORTED_CONTENT_ENCODINGS] },
    );
  }
  let data = raw;
  // Codings are listed in the order they were applied, so they come off last first.
  for (const coding of codings.reverse()) {
    data = await decompress(coding === 'x-gzip' ? 'gzip' : coding, data, limits.maxDecodedBytes);
  }
  if (data.length > limits.maxDecodedBytes) {
    throw new AppError(
      'payload_too_large',
      `the request body is ${data.length} bytes, over the limit of ${limits.maxDecodedBytes} bytes`,
      { limit: limits.maxDecodedBytes, size: data.length },
    );
  }
  return data;
}
