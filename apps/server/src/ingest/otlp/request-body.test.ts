import { Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBody, type BodyLimits } from './request-body.js';

const MB = 1024 * 1024;
const LIMITS: BodyLimits = { maxBodyBytes: 1 * MB, maxDecodedBytes: 8 * MB };
const PAYLOAD = Buffer.from(JSON.stringify({ resourceLogs: [{ scopeLogs: [] }] }).repeat(50));

/** gzips `total` bytes of zeros without ever holding them: a bomb as an attacker would build it. */
async function gzipBomb(total: number): Promise<Buffer> {
  const chunk = Buffer.alloc(MB);
  async function* zeros() {
    for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
  }
  return collect(Readable.from(zeros()).pipe(zlib.createGzip({ level: 9 })));
}

describe('readBody', () => {
  it('passes an unencoded body through, with or without "identity"', async () => {
    expect(await readBody(PAYLOAD, undefined, LIMITS)).toEqual(PAYLOAD);
    expect(await readBody(PAYLOAD, 'identity', LIMITS)).toEqual(PAYLOAD);
    expect(await readBody(PAYLOAD, '', LIMITS)).toEqual(PAYLOAD);
  });

  it('gunzips gzip and x-gzip bodies, whatever the header case', async () => {
    const gz = zlib.gzipSync(PAYLOAD);
    expect(gz.length).toBeLessThan(PAYLOAD.length);
    expect(await readBody(gz, 'gzip', LIMITS)).toEqual(PAYLOAD);
    expect(await readBody(gz, 'GZip ', LIMITS)).toEqual(PAYLOAD);
    expect(await readBody(gz, 'x-gzip', LIMITS)).toEqual(PAYLOAD);
  });

  it('inflates deflate bodies, zlib-wrapped as RFC 9110 says or raw as some clients send', async () => {
    expect(await readBody(zlib.deflateSync(PAYLOAD), 'deflate', LIMITS)).toEqual(PAYLOAD);
    expect(await readBody(zlib.deflateRawSync(PAYLOAD), 'deflate', LIMITS)).toEqual(PAYLOAD);
  });

  it('undoes stacked codings last-applied first', async () => {
    const twice = zlib.gzipSync(zlib.deflateSync(PAYLOAD));
    expect(await readBody(twice, 'deflate, gzip', LIMITS)).toEqual(PAYLOAD);
  });

  it('refuses a body over maxBodyBytes with 413 before decompressing it', async () => {
    const raw = Buffer.alloc(LIMITS.maxBodyBytes + 1);
    await expect(readBody(raw, 'gzip', LIMITS)).rejects.toMatchObject({
      code: 'payload_too_large',
      status: 413,
      message: `the request body is ${raw.length} bytes, over the limit of ${LIMITS.maxBodyBytes} bytes`,
    });
  });

  it('refuses an unencoded body over maxDecodedBytes with 413', async () => {
    const limits = { maxBodyBytes: 4 * MB, maxDecodedBytes: MB };
    await expect(readBody(Buffer.alloc(MB + 1), undefined, limits)).rejects.toMatchObject({
      code: 'payload_too_large',
      status: 413,
    });
    expect((await readBody(Buffer.alloc(MB), undefined, limits)).length).toBe(MB);
  });

  it('accepts a gzip body that expands to exactly maxDecodedBytes', async () => {
    const limits = { maxBodyBytes: MB, maxDecodedBytes: 2 * MB };
    const exact = zlib.gzipSync(Buffer.alloc(2 * MB, 7));
    expect((await readBody(exact, 'gzip', limits)).length).toBe(2 * MB);
    await expect(readBody(zlib.gzipSync(Buffer.alloc(2 * MB + 1, 7)), 'gzip', limits)).rejects.toMatchObject({
      code: 'payload_too_large',
    });
  });

  it('stops a gzip bomb at the cap, without allocating its expanded size', async () => {
    const bomb = await gzipBomb(64 * MB);
    expect(bomb.length).toBeLessThan(LIMITS.maxBodyBytes);
    const before = process.memoryUsage().arrayBuffers;
    const error: unknown = await readBody(bomb, 'gzip', LIMITS).catch((e: unknown) => e);
    const grew = process.memoryUsage().arrayBuffers - before;
    expect(error).toMatchObject({
      code: 'payload_too_large',
      status: 413,
      message: 'the gzip body expands beyond 8388608 bytes',
    });
    // Decompressing it whole would hold 64 MB (twice, while concatenating); the cap keeps it near 8 MB.
    expect(grew).toBeLessThan(32 * MB);
  });

  it('answers 400 for corrupt or truncated gzip', async () => {
    const gz = zlib.gzipSync(PAYLOAD);
    const corrupt = Buffer.from(gz);
    corrupt.fill(0x55, 10, 30);
    await expect(readBody(corrupt, 'gzip', LIMITS)).rejects.toMatchObject({
      code: 'invalid_body',
      status: 400,
      message: expect.stringMatching(/^the gzip body is corrupt: /),
    });
    await expect(readBody(gz.subarray(0, gz.length >> 1), 'gzip', LIMITS)).rejects.toMatchObject({
      code: 'invalid_body',
    });
    await expect(readBody(PAYLOAD, 'gzip', LIMITS)).rejects.toMatchObject({ code: 'invalid_body' });
    await expect(readBody(Buffer.alloc(0), 'gzip', LIMITS)).rejects.toMatchObject({ code: 'invalid_body' });
  });

  it('answers 415 for a coding it does not know, naming it and the ones it does', async () => {
    await expect(readBody(PAYLOAD, 'br', LIMITS)).rejects.toMatchObject({
      code: 'unsupported_encoding',
      status: 415,
      message: 'content-encoding "br" is not supported; use gzip, x-gzip, deflate, identity',
    });
    await expect(readBody(PAYLOAD, 'gzip, zstd', LIMITS)).rejects.toMatchObject({
      code: 'unsupported_encoding',
    });
  });
});
