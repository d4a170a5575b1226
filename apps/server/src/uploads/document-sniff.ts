import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/** What an upload is, by its content; the server never trusts file names or the client's content type. */
export const UPLOAD_TYPES = {
  pdf: 'pdf',
  png: 'png',
  jpeg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
  zip: 'zip',
  other: 'other',
} as const;
export type UploadType = (typeof UPLOAD_TYPES)[keyof typeof UPLOAD_TYPES];
/** The upload types served to learners as documents. */
export type DocumentType = Exclude<UploadType, 'zip' | 'other'>;

export interface DocumentFormat {
  /** With the dot, e.g. `.pdf`. */
  readonly extension: string;
  readonly contentType: string;
}

/** The document types learners can be served, with the extension and content type the server stores them under. */
export const DOCUMENT_FORMATS: Readonly<Record<DocumentType, DocumentFormat>> = {
  pdf: { extension: '.pdf', contentType: 'application/pdf' },
  png: { extension: '.png', contentType: 'image/png' },
  jpeg: { extension: '.jpg', contentType: 'image/jpeg' },
  gif: { extension: '.gif', contentType: 'image/gif' },
  webp: { extension: '.webp', contentType: 'image/webp' },
};

const bytes = (ascii: string): number[] => [...ascii].map((c) => c.charCodeAt(0));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PDF_MAGIC = bytes('%PDF-');
const GIF87 = bytes('GIF87a');
const GIF89 = bytes('GIF89a');
const RIFF = bytes('RIFF');
const WEBP = bytes('WEBP');
const ZIP_ENTRY = [0x50, 0x4b, 0x03, 0x04];
// An archive with no entries is only its end-of-central-directory record.
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];

function hasAt(data: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (data.length < offset + signature.length) return false;
  return signature.every((b, i) => data[offset + i] === b);
}

/**
 * Classifies an upload by its magic bytes (give it at least the first 16 bytes). A PDF must start with
 * `%PDF-` at offset 0, as every real PDF writer produces; the spec's tolerance for leading junk is left to
 * {@link checkDocumentFile}.
 */
export function sniffUpload(head: Uint8Array): UploadType {
  if (hasAt(head, PDF_MAGIC)) return UPLOAD_TYPES.pdf;
  if (hasAt(head, PNG_SIGNATURE)) return UPLOAD_TYPES.png;
  if (hasAt(head, [0xff, 0xd8, 0xff])) return UPLOAD_TYPES.jpeg;
  if (hasAt(head, GIF87) || hasAt(head, GIF89)) return UPLOAD_TYPES.gif;
  if (hasAt(head, RIFF) && hasAt(head, WEBP, 8)) return UPLOAD_TYPES.webp;
  if (hasAt(head, ZIP_ENTRY) || hasAt(head, ZIP_EMPTY)) return UPLOAD_TYPES.zip;
  return UPLOAD_TYPES.other;
}

/** The PDF header may sit after up to 1024 bytes of junk; the `%%EOF` marker must be near the end. */
const PDF_HEADER_WINDOW = 1024;
const PDF_TRAILER_WINDOW = 2048;
/** Enough for every image header checked here (PNG's IHDR ends at byte 33). */
const IMAGE_HEAD_BYTES = 64;
// Where an image's last marker must be: writers may pad after it (a few zero bytes), never more.
const IMAGE_TAIL_BYTES = 64;
const PNG_END = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const JPEG_END = [0xff, 0xd9];
const GIF_END = [0x3b];

/** An image cut short (an interrupted upload, a truncated export) lacks its closing marker. */
function checkEnd(tail: Buffer, marker: readonly number[], format: string, what: string): string | null {
  let end = tail.length;
  while (end > 0 && tail[end - 1] === 0) end--;
  for (let at = end - marker.length; at >= 0; at--) {
    if (hasAt(tail, marker, at)) return null;
  }
  return `the ${format} file is truncated: no ${what} at its end`;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function checkPdf(head: Buffer, tail: Buffer): string | null {
  if (!/%PDF-[12]\.\d/.test(head.toString('latin1'))) {
    return 'not a PDF: no %PDF-1.x or %PDF-2.x header in the first 1024 bytes';
  }
  if (!tail.toString('latin1').includes('%%EOF')) {
    return 'the PDF has no %%EOF marker in its last 2 KiB: it looks truncated';
  }
  return null;
}

function checkPng(head: Buffer): string | null {
  if (!hasAt(head, PNG_SIGNATURE)) return 'not a PNG: bad signature';
  // The first chunk must be a 13-byte IHDR; its CRC covers the type and data (bytes 12..28).
  if (head.length < 33 || head.readUInt32BE(8) !== 13 || head.toString('latin1', 12, 16) !== 'IHDR') {
    return 'the PNG does not start with an IHDR chunk';
  }
  if (crc32(head.subarray(12, 29)) !== head.readUInt32BE(29)) return 'the PNG IHDR chunk fails its CRC';
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return `the PNG has impossible dimensions ${width}x${height}`;
  }
  return null;
}

function checkJpeg(head: Buffer): string | null {
  if (!hasAt(head, [0xff, 0xd8])) return 'not a JPEG: no SOI marker';
  // After SOI comes another marker (APP0/APP1/DQT/...), possibly preceded by 0xFF fill bytes.
  let i = 2;
  if (head[i] !== 0xff) return 'the JPEG has no marker after SOI';
  while (head[i] === 0xff) i++;
  const marker = head[i];
  if (marker === undefined || marker < 0xc0 || marker === 0xd8 || marker === 0xd9) {
    return 'the JPEG has no valid marker after SOI';
  }
  return null;
}

function checkGif(head: Buffer): string | null {
  if (!hasAt(head, GIF87) && !hasAt(head, GIF89)) return 'not a GIF: no GIF87a or GIF89a header';
  // 6-byte header + 7-byte logical screen descriptor.
  if (head.length < 13) return 'the GIF is truncated inside its header';
  return null;
}

function checkWebp(head: Buffer, size: number): string | null {
  if (!hasAt(head, RIFF) || !hasAt(head, WEBP, 8)) return 'not a WebP: no RIFF....WEBP header';
  if (head.length < 20 || !['VP8 ', 'VP8L', 'VP8X'].includes(head.toString('latin1', 12, 16))) {
    return 'the WebP has no VP8, VP8L or VP8X chunk';
  }
  // The RIFF size counts everything after its own 8 bytes: a shorter file was cut off.
  const declared = head.readUInt32LE(4) + 8;
  if (declared > size)
    return `the WebP is truncated: its header declares ${declared} bytes, the file has ${size}`;
  return null;
}

/** Checks a whole document file beyond its magic bytes: a PDF must have a `%PDF-1.x`/`%PDF-2.x` header within the first 1024 bytes and an `%%EOF` marker in its last 2 KiB (truncated uploads fail); images must have a plausible header (PNG IHDR chunk, JPEG SOI + a later marker, GIF87a/89a, RIFF....WEBP). Returns null when fine, or a human-readable reason. */
export async function checkDocumentFile(filePath: string, type: DocumentType): Promise<string | null> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return 'the file is empty';
    if (type === UPLOAD_TYPES.pdf) {
      const head = await readAt(handle, 0, Math.min(size, PDF_HEADER_WINDOW));
      const tailStart = Math.max(0, size - PDF_TRAILER_WINDOW);
      return checkPdf(head, await readAt(handle, tailStart, size - tailStart));
    }
    const head = await readAt(handle, 0, Math.min(size, IMAGE_HEAD_BYTES));
    const tailStart = Math.max(0, size - IMAGE_TAIL_BYTES);
    const tail = await readAt(handle, tailStart, size - tailStart);
    switch (type) {
      case UPLOAD_TYPES.png:
        return checkPng(head) ?? checkEnd(tail, PNG_END, 'PNG', 'IEND chunk');
      case UPLOAD_TYPES.jpeg:
        return checkJpeg(head) ?? checkEnd(tail, JPEG_END, 'JPEG', 'end-of-image marker');
      case UPLOAD_TYPES.gif:
        return checkGif(head) ?? checkEnd(tail, GIF_END, 'GIF', 'trailer');
      case UPLOAD_TYPES.webp:
        return checkWebp(head, size);
    }
  } finally {
    await handle.close();
  }
}
