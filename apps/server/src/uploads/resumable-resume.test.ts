import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as tusJs from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse } from '../../test-support/api-calls.js';
import { testClip } from '../../test-support/media-fixtures.js';
import { SERVE_ADMIN, serveProcess } from '../../test-support/serve-process.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { tusClient } from '../../test-support/tus-protocol.js';

// Resuming as real clients do: tus-js-client cut off and started again, two clients at once, and a server
// SIGKILLed in the middle of a chunk.

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => void)[] = [];
let clip: Buffer;
let t: TestServer;
let base: string;

beforeAll(async () => {
  clip = await readFile(await testClip({ seconds: 6, width: 640, height: 360 }));
  t = await startTestServer({}, { startQueue: false });
  base = await t.cc.listen();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) c();
  await t?.close();
});

/** A PATCH whose body arrives in `piece`-byte pieces `pauseMs` apart; its status, or 0 when the connection broke. */
async function tricklePatch(
  url: string,
  auth: Record<string, string>,
  offset: number,
  bytes: Buffer,
  piece = 32 * 1024,
  pauseMs = 15,
) {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= bytes.length) return controller.close();
      await sleep(pauseMs);
      controller.enqueue(bytes.subarray(sent, sent + piece));
      sent += piece;
    },
  });
  try {
    const res = await fetch(url, {
      method: 'PATCH',
      headers: {
        ...auth,
        'tus-resumable': '1.0.0',
        'content-type': 'application/offset+octet-stream',
        'upload-offset': String(offset),
      },
      body,
      duplex: 'half',
    } as RequestInit);
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

describe('resuming', () => {
  it('tus-js-client cut off half way resumes from the server offset and sends only the rest', async () => {
    const courseId = await createCourse(t);
    const options = {
      endpoint: `${base}/api/courses/${courseId}/resumable-uploads`,
      headers: t.auth,
      chunkSize: 64 * 1024,
      metadata: { filename: 'cut.mp4', title: 'Cut off' },
      retryDelays: [],
    };
    const first = new tusJs.Upload(clip, options);
    const halfWay = new Promise<void>((resolve, reject) => {
      first.options.onProgress = (sent, total) => {
        if (sent < total / 2) return;
        void first.abort().then(resolve, reject);
      };
      first.options.onError = reject;
    });
    first.start();
    await halfWay;
    expect(first.url).toMatch(/\/api\/uploads\/resumable\/[0-9a-f]{32}$/);
    const acknowledged = await tusClient(base, t.auth).offset(first.url ?? '');
    expect(acknowledged).toBeGreaterThanOrEqual(clip.length / 2 - 64 * 1024);

    let resumedFrom = -1;
    const done = await new Promise<tusJs.OnSuccessPayload>((resolve, reject) => {
      const second = new tusJs.Upload(clip, {
        ...options,
        uploadUrl: first.url,
        onProgress: (sent) => {
          if (resumedFrom < 0) resumedFrom = sent;
        },
        onSuccess: resolve,
        onError: reject,
      });
      second.start();
    });
    // Its first progress is where the server said it was, not zero.
    expect(resumedFrom).toBeGreaterThanOrEqual(acknowledged);
    const view = JSON.parse(done.lastResponse.getBody()) as { item: { id: string; title: string } };
    expect(view.item.title).toBe('Cut off');
    const item = await t.cc.store.getItem(view.item.id);
    expect(sha256(await readFile(path.join(t.dataDir, item?.sourceFile ?? '')))).toBe(sha256(clip));
  });

  it('two clients resuming the same upload at once make one item of the right bytes', async () => {
    const courseId = await createCourse(t);
    const tus = tusClient(base, t.auth);
    const url = await tus.mustCreate(courseId, clip.length, { filename: 'twice.mp4' });
    // Each does what a client does: ask the offset, send the rest, and on a refusal or a cut ask again.
    const resumer = async (): Promise<string> => {
      for (let round = 0; round < 40; round++) {
        const head = await tus.head(url);
        if (head.status === 404) return 'gone';
        if (head.status !== 200) {
          await sleep(100);
          continue;
        }
        const offset = Number(head.headers.get('upload-offset'));
        // Slow enough that the other client's request arrives while this one is still sending.
        const res = await tricklePatch(url, t.auth, offset, clip.subarray(offset), 8 * 1024, 20);
        if (res.status === 200) return 'completed';
        expect([0, 204, 400, 409]).toContain(res.status);
      }
      return 'gave up';
    };
    const outcomes = await Promise.all([resumer(), sleep(150).then(resumer)]);
    expect(outcomes.sort()).toEqual(['completed', 'gone']);
    const items = await t.cc.store.listItems(courseId);
    expect(items).toHaveLength(1);
    expect(sha256(await readFile(path.join(t.dataDir, items[0]?.sourceFile ?? '')))).toBe(sha256(clip));
  }, 60_000);
});

describe('a server SIGKILLed in the middle of a chunk', () => {
  it('resumes from the durable offset, and the finished file is the source, byte for byte', async () => {
    const s = await serveProcess({ onCleanup: (c) => cleanups.push(c) });
    s.child.stdout?.resume();
    const course = await fetch(`${s.base}/api/courses`, {
      method: 'POST',
      headers: { ...SERVE_ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Killed mid-chunk' }),
    });
    const courseId = ((await course.json()) as { course: { id: string } }).course.id;
    const url = await tusClient(s.base, SERVE_ADMIN).mustCreate(courseId, clip.length, { filename: 'k.mp4' });
    const id = new URL(url).pathname.split('/').pop() ?? '';
    const onDisk = path.join(s.dataDir, 'resumable', id);
    const patching = tricklePatch(url, SERVE_ADMIN, 0, clip, 16 * 1024, 20);
    // Killed once a third of the chunk is in: its PATCH never gets an answer.
    while ((await stat(onDisk)).size < clip.length / 3) await sleep(20);
    await s.kill();
    expect((await patching).status).toBe(0);

    const again = await serveProcess({ dataDir: s.dataDir, onCleanup: (c) => cleanups.push(c) });
    again.child.stdout?.resume();
    const tus = tusClient(again.base, SERVE_ADMIN);
    const resumed = new URL(new URL(url).pathname, again.base).href;
    const offset = await tus.offset(resumed);
    expect(offset).toBeGreaterThanOrEqual(Math.floor(clip.length / 3));
    expect(offset).toBeLessThan(clip.length);
    const done = await tus.patch(resumed, offset, clip.subarray(offset));
    expect(done.status).toBe(200);
    const itemId = (JSON.parse(done.body) as { item: { id: string } }).item.id;
    const item = await (await fetch(`${again.base}/api/items/${itemId}`, { headers: SERVE_ADMIN })).json();
    const source = (item as { item: { sourceFile?: string } }).item.sourceFile;
    const stored = source ?? path.join('uploads', itemId, 'source.mp4');
    expect(sha256(await readFile(path.join(s.dataDir, stored)))).toBe(sha256(clip));
    await again.terminate();
  }, 90_000);
});
