import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createCourse } from '../../test-support/api-calls.js';
import { multipartBody } from '../../test-support/multipart.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

// The multipart upload's own time limit (upload.timeoutSeconds), not Node's 300 s: proven with a small limit
// and a slow upload rather than a 5-minute test.

let clip: Buffer;
const open: TestServer[] = [];

beforeAll(async () => {
  clip = await readFile(await testClip({ seconds: 2, width: 320, height: 240 }));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** POSTs `payload` over a raw socket in ten pieces spread over `spreadMs`; the status and body of the answer. */
async function slowPost(
  base: string,
  urlPath: string,
  headers: Record<string, string>,
  payload: Buffer,
  spreadMs: number,
): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  const socket = net.connect(Number(u.port), u.hostname);
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = once(socket, 'close');
  const head = Object.entries({ ...headers, 'content-length': String(payload.length), connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`POST ${urlPath} HTTP/1.1\r\nhost: x\r\n${head}\r\n`);
  for (let i = 0; i < 10 && answer === '' && !socket.destroyed; i++) {
    socket.write(payload.subarray((i * payload.length) / 10, ((i + 1) * payload.length) / 10));
    await new Promise((r) => setTimeout(r, spreadMs / 10));
  }
  await closed;
  const [statusLine = '', ...rest] = answer.split('\r\n');
  return {
    status: Number(statusLine.split(' ')[1]),
    body: rest.join('\r\n').split('\r\n\r\n').slice(1).join(''),
  };
}

/** A server with the given upload limit, and the clip uploaded to it over 2.5 s. */
async function slowUploadWith(timeoutSeconds: number) {
  const t = await startTestServer({ upload: { timeoutSeconds } }, { startQueue: false });
  open.push(t);
  const base = await t.cc.listen();
  const courseId = await createCourse(t);
  const body = await multipartBody({ name: 'slow.mp4', content: clip });
  const url = `/api/courses/${courseId}/uploads`;
  const res = await slowPost(base, url, { ...t.auth, ...body.headers }, body.payload, 2500);
  return { t, courseId, res };
}

describe('the multipart upload time limit', () => {
  it('a 1 s limit answers a 2.5 s upload 408 body_timeout, and keeps nothing of it', async () => {
    const { t, courseId, res } = await slowUploadWith(1);
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toMatchObject({
      error: {
        code: 'body_timeout',
        message:
          'the upload did not complete within 1 s (upload.timeoutSeconds, COURSECAST_UPLOAD_TIMEOUT_SECONDS)',
      },
    });
    expect(await t.cc.store.listItems(courseId)).toEqual([]);
    const uploads = path.join(t.dataDir, 'uploads');
    expect(existsSync(uploads) ? await readdir(uploads) : []).toEqual([]);
  });

  it('a 10 s limit lets the same slow upload in', async () => {
    const { t, courseId, res } = await slowUploadWith(10);
    expect(res.status).toBe(201);
    expect(await t.cc.store.listItems(courseId)).toHaveLength(1);
  });

  it('by default lets the 4 GiB upload limit in at 10 Mbit/s', () => {
    const { upload } = loadConfig({ env: {} });
    const seconds = (upload.maxBytes * 8) / 10e6;
    expect(upload.maxBytes).toBe(4 * 1024 ** 3);
    expect(upload.timeoutSeconds).toBeGreaterThanOrEqual(seconds);
  });
});
