import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { registerSource } from '../../test-support/published-item.js';
import { fakeJitMedia } from '../../test-support/fake-jit-media.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../../test-support/test-server.js';
import { formatAge, sessionsCommand } from './sessions-command.js';

let t: TestServer;
let base: string;
let out = '';
let err = '';

beforeAll(async () => {
  t = await startTestServer({}, { startQueue: false, prepareSession: fakeJitMedia(() => t.dataDir) });
  base = await t.cc.listen();
});
afterAll(() => t.close());
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (c: string | Uint8Array) => ((out += String(c)), true),
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(
    (c: string | Uint8Array) => ((err += String(c)), true),
  );
});
afterEach(() => vi.restoreAllMocks());

const config = (token = TEST_TOKEN) =>
  loadConfig({ env: {}, overrides: { adminToken: token, dataDir: t.dataDir } });

it('lists the running server’s sessions with plan, encoder position, age and idle time', async () => {
  expect(await sessionsCommand(config(), base)).toBe(0);
  expect(out).toBe('no active just-in-time sessions\n');
  const { itemId: id } = await registerSource(t.cc, {
    durationSeconds: 24,
    container: 'matroska',
    formatName: 'matroska',
    bitrate: null,
    sizeBytes: 1,
    video: null,
    audio: { index: 0, codec: 'flac', channels: 2, sampleRate: 48000, bitrate: null },
    subtitles: [],
    audioTracks: [],
  });
  const playback = await t.cc.app.inject({ url: `/api/items/${id}/playback` });
  const url = new URL(playback.json<{ url: string }>().url).pathname;
  // The answer names the session's master playlist; its segments sit beside it.
  expect((await t.cc.app.inject({ url: url.replace('master.m3u8', 'seg_00001.ts') })).statusCode).toBe(200);
  out = '';
  expect(await sessionsCommand(config(), base)).toBe(0);
  const [header, row] = out.trim().split('\n');
  expect(header).toMatch(/^SESSION\s+ITEM\s+PLAN\s+ENCODER AT\s+WRITTEN\s+AGE\s+IDLE$/);
  expect(row).toMatch(
    new RegExp(`^ses_\\w+\\s+${id}\\s+transcode\\s+seg \\d \\(from 1, #1\\)\\s+\\d/6\\s+\\d+s\\s+\\d+s$`),
  );
});

it('fails clearly when the server is down or refuses the token', async () => {
  expect(await sessionsCommand(config(), 'http://127.0.0.1:1')).toBe(1);
  expect(err).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1 .*is the server running\?/);
  err = '';
  expect(await sessionsCommand(config('wrong-token-0123456789'), base)).toBe(1);
  expect(err).toMatch(/answered 401/);
});

it('formats ages', () => {
  expect([formatAge(42), formatAge(185), formatAge(3720)]).toEqual(['42s', '3m05s', '1h02m']);
});
