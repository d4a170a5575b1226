import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDocumentFile, DOCUMENT_FORMATS, sniffUpload, type DocumentType } from './document-sniff.js';
import { samplePdf } from '../cli/sample-pdf.js';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A real 1x1 red RGB PNG: signature, IHDR, IDAT (one filter byte + one pixel, deflated), IEND. */
function tinyPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// A JFIF APP0 segment after SOI, as cameras and editors write it.
const JPEG_HEAD = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
  0x00, 0x00, 0xff, 0xd9,
]);
const GIF_HEAD = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0])]);
// The header, then the trailer that closes every GIF.
const GIF_FILE = Buffer.concat([GIF_HEAD, Buffer.from([0x3b])]);

function webp(declaredExtra = 0): Buffer {
  const chunk = Buffer.concat([
    Buffer.from('VP8L', 'latin1'),
    Buffer.from([5, 0, 0, 0, 0x2f, 0, 0, 0, 0, 0]),
  ]);
  const riffSize = Buffer.alloc(4);
  riffSize.writeUInt32LE(4 + chunk.length + declaredExtra);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), riffSize, Buffer.from('WEBP', 'latin1'), chunk]);
}

describe('sniffUpload', () => {
  it.each([
    ['a PDF', samplePdf(['x']), 'pdf'],
    ['a PNG', tinyPng(), 'png'],
    ['a JPEG', JPEG_HEAD, 'jpeg'],
    ['a GIF87a', Buffer.from('GIF87a\u0001\u0000\u0001\u0000\u0000\u0000\u0000', 'latin1'), 'gif'],
    ['a GIF89a', GIF_HEAD, 'gif'],
    ['a WebP', webp(), 'webp'],
    ['a zip', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), 'zip'],
    ['an empty zip', Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]), 'zip'],
    ['a text file named .pdf', Buffer.from('Lecture notes, not a PDF\n'), 'other'],
    [
      'a PDF with junk before its header',
      Buffer.concat([Buffer.from('\r\n\r\n'), samplePdf(['x'])]),
      'other',
    ],
    ['a RIFF that is not WebP', Buffer.from('RIFF\u0024\u0000\u0000\u0000WAVEfmt ', 'latin1'), 'other'],
    ['a lone "PK"', Buffer.from('PK'), 'other'],
    ['nothing', new Uint8Array(0), 'other'],
  ])('calls %s %s', (_what, head, type) => {
    expect(sniffUpload(new Uint8Array(head).subarray(0, 16))).toBe(type);
  });

  it('has a stored format for every document type', () => {
    expect(DOCUMENT_FORMATS.pdf).toEqual({ extension: '.pdf', contentType: 'application/pdf' });
    expect(DOCUMENT_FORMATS.jpeg).toEqual({ extension: '.jpg', contentType: 'image/jpeg' });
  });
});

describe('checkDocumentFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'document-sniff-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function check(name: string, data: Uint8Array, type: DocumentType): Promise<string | null> {
    const file = path.join(dir, name);
    await writeFile(file, data);
    return checkDocumentFile(file, type);
  }

  it('accepts a whole PDF, also one with junk before its header or a 2.0 header', async () => {
    const pdf = samplePdf(['Week 1 slides']);
    expect(await check('ok.pdf', pdf, 'pdf')).toBeNull();
    expect(await check('junk.pdf', Buffer.concat([Buffer.alloc(1000, 0x20), pdf]), 'pdf')).toBeNull();
    expect(
      await check(
        'v2.pdf',
        Buffer.from(pdf.toString('latin1').replace('%PDF-1.4', '%PDF-2.0'), 'latin1'),
        'pdf',
      ),
    ).toBeNull();
  });

  it('finds %%EOF within the last 2 KiB of a large PDF', async () => {
    const pdf = samplePdf(['big']);
    const padded = Buffer.concat([pdf.subarray(0, 20), Buffer.alloc(100_000, 0x20), pdf.subarray(20)]);
    expect(await check('big.pdf', padded, 'pdf')).toBeNull();
    const trailingJunk = Buffer.concat([pdf, Buffer.alloc(3000, 0x20)]);
    expect(await check('trailing.pdf', trailingJunk, 'pdf')).toMatch(/%%EOF/);
  });

  it('refuses a truncated PDF', async () => {
    const pdf = samplePdf(['cut short']);
    expect(await check('cut.pdf', pdf.subarray(0, Math.floor(pdf.length * 0.6)), 'pdf')).toBe(
      'the PDF has no %%EOF marker in its last 2 KiB: it looks truncated',
    );
  });

  it('refuses a text file renamed .pdf and a header beyond 1024 bytes', async () => {
    expect(await check('notes.pdf', Buffer.from('Lecture notes\n%%EOF\n'), 'pdf')).toMatch(/^not a PDF/);
    expect(
      await check('late.pdf', Buffer.concat([Buffer.alloc(1024, 0x20), samplePdf(['x'])]), 'pdf'),
    ).toMatch(/^not a PDF/);
    expect(await check('v3.pdf', Buffer.from('%PDF-3.0\n%%EOF\n'), 'pdf')).toMatch(/^not a PDF/);
  });

  it('refuses an empty file', async () => {
    expect(await check('empty.png', new Uint8Array(0), 'png')).toBe('the file is empty');
  });

  it('accepts real image headers', async () => {
    expect(await check('ok.png', tinyPng(), 'png')).toBeNull();
    expect(await check('ok.jpg', JPEG_HEAD, 'jpeg')).toBeNull();
    expect(
      await check('fill.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xff, 0xe1, 0, 2, 0xff, 0xd9]), 'jpeg'),
    ).toBeNull();
    expect(await check('ok.gif', GIF_FILE, 'gif')).toBeNull();
    // Zero padding after the closing marker is what some writers add.
    expect(await check('padded.png', Buffer.concat([tinyPng(), Buffer.alloc(16)]), 'png')).toBeNull();
  });

  it('refuses images cut short: no closing marker at the end', async () => {
    const png = tinyPng();
    expect(await check('cut.png', png.subarray(0, png.length - 12), 'png')).toBe(
      'the PNG file is truncated: no IEND chunk at its end',
    );
    expect(await check('cut.jpg', JPEG_HEAD.subarray(0, JPEG_HEAD.length - 2), 'jpeg')).toBe(
      'the JPEG file is truncated: no end-of-image marker at its end',
    );
    expect(await check('cut.gif', GIF_HEAD, 'gif')).toBe('the GIF file is truncated: no trailer at its end');
    expect(await check('ok.webp', webp(), 'webp')).toBeNull();
  });

  it('refuses implausible image headers', async () => {
    const badCrc = tinyPng();
    badCrc[20] = 9; // height changed, CRC not
    expect(await check('crc.png', badCrc, 'png')).toBe('the PNG IHDR chunk fails its CRC');
    expect(await check('sig.png', tinyPng().subarray(0, 8), 'png')).toBe(
      'the PNG does not start with an IHDR chunk',
    );
    expect(await check('soi.jpg', Buffer.from([0xff, 0xd8, 0xff, 0x00]), 'jpeg')).toBe(
      'the JPEG has no valid marker after SOI',
    );
    expect(await check('soi-only.jpg', Buffer.from([0xff, 0xd8]), 'jpeg')).toBe(
      'the JPEG has no marker after SOI',
    );
    expect(await check('short.gif', Buffer.from('GIF89a', 'latin1'), 'gif')).toBe(
      'the GIF is truncated inside its header',
    );
    expect(await check('cut.webp', webp(500), 'webp')).toMatch(
      /^the WebP is truncated: its header declares 526 bytes/,
    );
  });

  it('refuses a file of another type than the one claimed', async () => {
    expect(await check('png.jpg', tinyPng(), 'jpeg')).toBe('not a JPEG: no SOI marker');
    expect(await check('jpg.gif', JPEG_HEAD, 'gif')).toMatch(/^not a GIF/);
    expect(await check('gif.webp', GIF_HEAD, 'webp')).toMatch(/^not a WebP/);
    expect(await check('gif.png', GIF_HEAD, 'png')).toBe('not a PNG: bad signature');
  });
});
