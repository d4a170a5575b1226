import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveKit } from '../../test-support/live-kit.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** The pids of the FFmpeg encoders writing into `dir`. */
function encoderPids(dir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `${dir}/%v/r`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number)
      .filter(Boolean);
  } catch {
    return [];
  }
}

describe('a live lecture, when things go wrong', () => {
  it('ends after the grace period when its publisher does not come back, and its recording plays', async () => {
    const kit = await startLiveKit(cleanups, { graceSeconds: 2 });
    const live = await kit.create();
    const pub = kit.publishRtmp(live);
    await kit.waitState(live.itemId, 'live');
    await expect.poll(async () => (await kit.status(live.itemId)).url, { timeout: 15_000 }).not.toBeNull();
    await pub.kill();
    const ended = await kit.waitState(live.itemId, 'ended', 20_000);
    expect(ended.endReason).toBe('publisher_gone');
    const status = await kit.status(live.itemId);
    expect(status.url).not.toBeNull();
    const playlist = await kit.media(new URL('360p/index.m3u8', status.url!).toString());
    expect(playlist.body).toContain('#EXT-X-ENDLIST');
  }, 60_000);

  it('takes an SRT publisher with its passphrase only, audio only, and keeps the recording when the server shuts down', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-live-'));
    const kit = await startLiveKit(cleanups, {}, dataDir);
    const live = await kit.create();
    const wrong = kit.publishSrt(live, { passphrase: 'not-the-passphrase-at-all', seconds: 3 });
    expect(await wrong.exited).not.toBe(0);
    expect((await kit.lecture(live.itemId)).state).toBe('scheduled');
    kit.publishSrt(live, { video: false });
    await kit.waitState(live.itemId, 'live');
    await expect.poll(async () => (await kit.status(live.itemId)).url, { timeout: 15_000 }).not.toBeNull();
    const master = await kit.media((await kit.status(live.itemId)).url!);
    expect(master.body).not.toContain('RESOLUTION');
    expect(master.body).toContain('mp4a.40.2');
    expect((await kit.lecture(live.itemId)).ladder).toMatchObject({ rungs: [], audio: true });
    await kit.ts.cc.close();
    // The next start finds the recording ended and ready at the same version.
    const again = await startLiveKit(cleanups, {}, dataDir);
    const after = await again.lecture(live.itemId);
    expect(after).toMatchObject({ state: 'ended', endReason: 'server_shutdown' });
    const item = await again.ts.cc.app.inject({ url: `/api/items/${live.itemId}`, headers: again.ts.auth });
    expect(item.json<{ item: { status: string } }>().item.status).toBe('ready');
  }, 60_000);

  it('fails with the reason when its encoder is killed, keeping what was recorded', async () => {
    const kit = await startLiveKit(cleanups);
    const live = await kit.create();
    kit.publishRtmp(live);
    await kit.waitState(live.itemId, 'live');
    await expect.poll(async () => (await kit.status(live.itemId)).url, { timeout: 15_000 }).not.toBeNull();
    const version = new URL((await kit.status(live.itemId)).url!).pathname.split('/')[3]!;
    const dir = path.join(kit.ts.dataDir, 'media', live.itemId, version);
    const pids = encoderPids(dir);
    expect(pids).toHaveLength(1);
    process.kill(pids[0]!, 'SIGKILL');
    const failed = await kit.waitState(live.itemId, 'failed', 20_000);
    expect(failed.endReason).toBe('encoder_failed');
    expect(failed.error).toMatch(/live encoder killed by SIGKILL/);
    const item = await kit.ts.cc.app.inject({ url: `/api/items/${live.itemId}`, headers: kit.ts.auth });
    expect(item.json<{ item: { status: string } }>().item.status).toBe('ready');
  }, 60_000);
});
