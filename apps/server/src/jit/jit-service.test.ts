import type { PlaybackPlan } from '@coursecast/media';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import type { Item } from '../store/index.js';
import { fakeJitMedia } from '../../test-support/fake-jit-media.js';
import type { SessionObserver } from './jit-session.js';
import { createJitService, JIT_MASTER, JIT_PLAYLIST, type PrepareSession } from './jit-service.js';
import type { JitInstruments, SessionFacts } from './jit-instruments.js';

const plan: PlaybackPlan = {
  mode: 'remux',
  reasons: ['ladder_not_ready', 'container_not_supported'],
  source: { container: 'mkv', videoCodec: 'h264', audioCodec: 'aac', height: 1080, bitrate: null },
  video: { action: 'copy', codec: 'h264', height: null, bitrate: null, maxrate: null },
  audio: { action: 'copy', codec: 'aac', bitrate: null },
};
const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-jit-service-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const quiet: SessionObserver = {
  encoderStarted() {},
  encoderFirstProgress() {},
  segmentWritten() {},
  segmentServed() {},
  failed() {},
  ended() {},
};

/** A service over `prepare` with room for two sessions and no reaping during a test. */
function service(prepare: PrepareSession, instruments: JitInstruments) {
  return createJitService({
    prepare,
    instruments,
    lookahead: 3,
    segmentTimeoutMs: 2000,
    maxSessions: 2,
    maxSessionsPerClient: 2,
    idleTimeoutMs: 60_000,
    reapIntervalMs: 60_000,
  });
}

it('counts start-up from the playback request, the preparation (keyframe probe, playlist) included', async () => {
  const fake = fakeJitMedia(() => dataDir);
  const PREPARE_MS = 120;
  const slowPrepare: PrepareSession = async (...args) => {
    await new Promise((r) => setTimeout(r, PREPARE_MS));
    return fake(...args);
  };
  const started: number[] = [];
  const firstSegments: number[] = [];
  const instruments: JitInstruments = {
    observe(facts: SessionFacts) {
      let first = true;
      return {
        ...quiet,
        span: undefined as never,
        segmentWritten() {
          if (first) firstSegments.push(performance.now() - (facts.requestedAt ?? Infinity));
          first = false;
        },
      };
    },
    sessionStarted: (_plan, seconds) => started.push(seconds * 1000),
    observeActive() {},
  };
  const jit = service(slowPrepare, instruments);
  const item = { id: 'itm_1' } as Item;
  const requestedAt = performance.now();
  const session = await jit.open(item, plan, { client: '127.0.0.1', viewer: null }, requestedAt);
  await jit.resolve('itm_1', session.id, JIT_PLAYLIST);
  await jit.resolve('itm_1', session.id, JIT_PLAYLIST);
  await jit.resolve('itm_1', session.id, 'seg_00000.ts');
  // Once per session, however many times the playlist is fetched; the preparation is inside it.
  expect(started).toHaveLength(1);
  expect(started[0]).toBeGreaterThanOrEqual(PREPARE_MS);
  expect(firstSegments).toHaveLength(1);
  expect(firstSegments[0]).toBeGreaterThanOrEqual(PREPARE_MS);
  await jit.shutdown();
});

it('answers 502 transcode_failed when a session’s master cannot be made, and keeps the session', async () => {
  const fake = fakeJitMedia(() => dataDir);
  const failing: PrepareSession = async (...args) => ({
    ...(await fake(...args)),
    master: () => Promise.reject(new Error('ffmpeg cannot read the source')),
  });
  const jit = service(failing, {
    observe: () => ({ ...quiet, span: undefined as never }),
    sessionStarted() {},
    observeActive() {},
  });
  const session = await jit.open({ id: 'itm_2' } as Item, plan, { client: '127.0.0.1', viewer: null });
  for (let i = 0; i < 2; i++) {
    const err = await jit.resolve('itm_2', session.id, JIT_MASTER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'transcode_failed', status: 502 });
    expect((err as Error).message).toMatch(/ffmpeg cannot read the source/);
  }
  await expect(jit.resolve('itm_2', session.id, JIT_PLAYLIST)).resolves.toMatchObject({ file: JIT_PLAYLIST });
  await expect(jit.resolve('itm_9', session.id, JIT_MASTER)).rejects.toMatchObject({
    code: 'session_not_found',
  });
  await jit.shutdown();
});
