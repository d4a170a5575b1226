import { mkdtemp, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startLiveRun,
  waitForTcpListen,
  DEFAULT_LIVE_LADDER_OPTIONS,
  type LiveRunHandle,
} from '@coursecast/media';
import { startLiveTestPublish } from '@coursecast/media/samples';
import { afterEach, describe, expect, it } from 'vitest';
import { startRtmpIngest, type RtmpIngest } from './rtmp-ingest.js';

const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(a && typeof a === 'object' ? a.port : 0));
    });
  });
}

async function ingest(onPublish: (key: string) => Promise<{ pushTo: string } | { refuse: string }>): Promise<{
  rtmp: RtmpIngest;
  done: string[];
}> {
  const done: string[] = [];
  const rtmp = await startRtmpIngest({
    nginxPath: '/usr/sbin/nginx',
    modulePath: '/usr/lib/nginx/modules/ngx_rtmp_module.so',
    listenHost: '127.0.0.1',
    port: 0,
    authorize: (key) => onPublish(key),
    publishDone: (key) => done.push(key),
    stillWanted: () => true,
    log: () => {},
  });
  cleanups.push(() => rtmp.stop());
  return { rtmp, done };
}

describe('the RTMP ingest (nginx-rtmp)', () => {
  it('refuses a wrong stream key before relaying anything: the publisher fails at once', async () => {
    const asked: string[] = [];
    const { rtmp } = await ingest(async (key) => {
      asked.push(key);
      return { refuse: 'wrong key' };
    });
    const started = Date.now();
    const pub = startLiveTestPublish({
      ffmpegPath: FFMPEG,
      url: `rtmp://127.0.0.1:${rtmp.port}/live/not-the-key`,
      width: 320,
      height: 180,
      seconds: 5,
    });
    expect(await pub.exited).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(asked).toEqual(['not-the-key']);
  }, 20_000);

  it("pushes an accepted publish to the lecture's own listener, and says when the publisher left", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cc-rtmp-run-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    let run: LiveRunHandle | null = null;
    const { rtmp, done } = await ingest(async (key) => {
      if (key !== 'the-key') return { refuse: 'wrong key' };
      const port = await freePort();
      run = startLiveRun({
        ffmpegPath: FFMPEG,
        listen: { protocol: 'rtmp', port },
        outDir: dir,
        run: 1,
        plan: null,
        ladder: { ...DEFAULT_LIVE_LADDER_OPTIONS, heights: [180] },
        connectTimeoutMs: 10_000,
        events: {},
      });
      expect(await waitForTcpListen(port, 5000)).toBe(true);
      return { pushTo: `rtmp://127.0.0.1:${port}/live/ingest` };
    });
    const pub = startLiveTestPublish({
      ffmpegPath: FFMPEG,
      url: `rtmp://127.0.0.1:${rtmp.port}/live/the-key`,
      width: 640,
      height: 360,
      seconds: 8,
    });
    expect(await pub.exited).toBe(0);
    const result = await (run as LiveRunHandle | null)!.done;
    expect(result.reason).toBe('publisher_left');
    expect(result.plan?.rungs.map((r) => [r.name, r.mode])).toEqual([
      ['360p', 'copy'],
      ['180p', 'encode'],
    ]);
    expect((await readdir(path.join(dir, '180p'))).some((f) => f.endsWith('.m4s'))).toBe(true);
    await expect.poll(() => done).toEqual(['the-key']);
  }, 30_000);
});
