import type { PlaybackPlan } from '@coursecast/media';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Item } from '../store/index.js';
import { fakeJitMedia } from '../../test-support/fake-jit-media.js';
import type { SessionObserver } from './jit-session.js';
import { createJitService, JIT_PLAYLIST, type PrepareSession } from './jit-service.js';
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

it('counts start-up from the playback request, the preparation (keyframe probe, playlist) included', async () => {
  const fake = fakeJitMedia(() => dataDir);
  const PREPARE_MS = 120;
  const slowPrepare: PrepareSession = async (...args) => {
    await new Promise((r) => setTimeout(r, PREPARE_MS));
    return fake(...args);
  };
  const started: number[] = [];
  const firstSegments: number[] = [];
  const quiet: SessionObserver = {
    encoderStarted() {},
    encoderFirstProgress() {},
    segmentWritten() {},
    segmentServed() {},
    failed() {},
    ended() {},
  };
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
  const jit = createJitService({
    prepare: slowPrepare,
    instruments,
    lookahead: 3,
    segmentTimeoutMs: 2000,
    maxSessions: 2,
    maxSessionsPerClient: 2,
    idleTimeoutMs: 60_000,
    reapIntervalMs: 60_000,
  });
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
