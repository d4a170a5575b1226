import { createSocket } from 'node:dgram';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FFMPEG } from '../../test-support/media-test-kit.js';
import { startLiveTestPublish, type LiveTestPublisher } from '../samples/live-test-publish.js';
import { DEFAULT_LIVE_LADDER_OPTIONS } from './live-ladder-plan.js';
import { startLiveRun, type LiveRunHandle, type LiveRunHealth } from './live-run.js';
import type { LiveRunRungPlaylist } from './live-run-watch.js';

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function srtRun(passphrase: string): Promise<{
  run: LiveRunHandle;
  dir: string;
  port: number;
  seen: LiveRunRungPlaylist[];
  health: LiveRunHealth[];
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cc-live-run-'));
  const port = await freeUdpPort();
  const seen: LiveRunRungPlaylist[] = [];
  const health: LiveRunHealth[] = [];
  const run = startLiveRun({
    ffmpegPath: FFMPEG,
    listen: { protocol: 'srt', host: '127.0.0.1', port, passphrase, latencyMs: 120 },
    outDir: dir,
    run: 1,
    plan: null,
    ladder: { ...DEFAULT_LIVE_LADDER_OPTIONS, heights: [180] },
    connectTimeoutMs: null,
    events: { onPlaylist: (p) => seen.push(p), onHealth: (h) => health.push(h) },
  });
  cleanups.push(async () => {
    run.stop();
    await run.done;
    await rm(dir, { recursive: true, force: true });
  });
  return { run, dir, port, seen, health };
}

function publish(url: string, seconds: number, extra: { keyframeSeconds?: number } = {}): LiveTestPublisher {
  const p = startLiveTestPublish({ ffmpegPath: FFMPEG, url, width: 640, height: 360, seconds, ...extra });
  cleanups.push(() => p.stop());
  return p;
}

describe('a live run over SRT', () => {
  it('copies a 360p H.264 input with 1 s keyframes as the top rung, encodes 180p and audio, and ends when the publisher leaves', async () => {
    const passphrase = 'correct-horse-battery';
    const { run, dir, port, seen } = await srtRun(passphrase);
    const before = Date.now();
    const pub = publish(`srt://127.0.0.1:${port}?passphrase=${passphrase}&pbkeylen=16`, 5);
    await pub.exited;
    const result = await run.done;
    expect(result.reason).toBe('publisher_left');
    expect(result.plan?.rungs.map((r) => [r.name, r.mode])).toEqual([
      ['360p', 'copy'],
      ['180p', 'encode'],
    ]);
    expect(result.plan?.audio?.name).toBe('audio');
    expect(result.input?.keyframeInterval).toBeCloseTo(1, 1);
    // The run's first frame reached the server within a second of the publisher's start.
    expect(result.startMs! - before).toBeGreaterThan(-100);
    expect(result.startMs! - before).toBeLessThan(2500);
    const last180 = seen.filter((p) => p.rung === '180p').at(-1)!;
    const total = last180.segments.reduce((s, x) => s + x.duration, 0);
    expect(total).toBeGreaterThan(3.5);
    expect(last180.init).toBe('r1-init_180p.mp4');
    expect(
      (await readdir(path.join(dir, '360p'))).filter((f) => f.endsWith('.m4s')).length,
    ).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('refuses a publisher with the wrong passphrase in the handshake: nothing is encoded, the listener keeps waiting', async () => {
    const { run, dir, port } = await srtRun('correct-horse-battery');
    const pub = publish(
      `srt://127.0.0.1:${port}?passphrase=wrong-passphrase-1&pbkeylen=16&connect_timeout=2000`,
      3,
    );
    const code = await pub.exited;
    expect(code).not.toBe(0);
    expect(run.encoderPid()).toBeNull();
    expect(await readdir(dir)).toEqual([]);
    run.stop();
    expect((await run.done).reason).toBe('stopped');
  }, 30_000);

  it('encodes every rung when the input keyframe interval is longer than a segment, and says why', async () => {
    const { run, port, health } = await srtRun('correct-horse-battery');
    const url = `srt://127.0.0.1:${port}?passphrase=correct-horse-battery&pbkeylen=16`;
    const pub = publish(url, 12, { keyframeSeconds: 3 });
    expect(await pub.exited).toBe(0);
    const result = await run.done;
    expect(result.plan?.rungs.map((r) => r.mode)).toEqual(['encode', 'encode']);
    // Said in words: the interval measured, or that no second keyframe came within two segments and a second.
    expect(result.plan?.copyReasons.join(' ')).toMatch(
      /input keyframe interval (3 s is longer than the 2 s segments|unknown \(no second keyframe in time\))/,
    );
    // And measured as it comes, for the lecture's input health.
    expect(health.some((h) => h.keyframeInterval === 3)).toBe(true);
    expect(health.at(-1)?.frameRate).toBeCloseTo(30, 0);
    expect(health.some((h) => (h.encoderSpeed ?? 0) > 0.5)).toBe(true);
  }, 30_000);
});
