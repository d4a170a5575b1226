import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveKit } from '../../test-support/live-kit.js';
import { FFMPEG } from '../../test-support/media-fixtures.js';

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

  it('takes video only with a 10 s keyframe interval: every rung encoded, the interval reported', async () => {
    const kit = await startLiveKit(cleanups);
    const live = await kit.create();
    kit.publishRtmp(live, { audio: false, keyframeSeconds: 10 });
    // Nothing plays before a keyframe: up to one keyframe interval, and the probe, after the publisher starts.
    await kit.waitState(live.itemId, 'live', 30_000);
    await expect.poll(async () => (await kit.status(live.itemId)).url, { timeout: 30_000 }).not.toBeNull();
    const during = await kit.lecture(live.itemId);
    expect(during.ladder).toMatchObject({ audio: false, rungs: [{ name: '360p', mode: 'encode' }] });
    expect(during.ladder?.copyReasons.join(' ')).toMatch(/keyframe interval/);
    await expect
      .poll(async () => (await kit.lecture(live.itemId)).health?.keyframeInterval, { timeout: 30_000 })
      .toBe(10);
    const master = await kit.media((await kit.status(live.itemId)).url!);
    expect(master.body).not.toContain('TYPE=AUDIO');
    expect(master.body).toContain('RESOLUTION=640x360');
  }, 120_000);

  it('turns a resolution change under a copied top rung into a new run that encodes it, on the same playlists', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cc-live-res-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const part = (name: string, size: string, offset: number): string[] => [
      '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=30`, '-f', 'lavfi', '-i', 'sine', '-t', '8',
      '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-c:a', 'aac', '-output_ts_offset', String(offset),
      '-f', 'mpegts', '-y', path.join(dir, name),
    ]; // prettier-ignore
    execFileSync(FFMPEG, part('a.ts', '640x360', 0));
    execFileSync(FFMPEG, part('b.ts', '480x270', 8.1));
    await writeFile(
      path.join(dir, 'ab.ts'),
      Buffer.concat([await readFile(path.join(dir, 'a.ts')), await readFile(path.join(dir, 'b.ts'))]),
    );
    // A lower rung encoded: its decoder is what notices the change.
    const kit = await startLiveKit(cleanups, { ladder: [180] });
    const live = await kit.create();
    kit.publishRtmp(live, { input: path.join(dir, 'ab.ts') });
    await expect
      .poll(async () => (await kit.lecture(live.itemId)).ladder?.rungs[0], { timeout: 15_000 })
      .toMatchObject({ name: '360p', mode: 'copy' });
    const first = kit.publishers.at(-1)!;
    // The change ends the run; nginx drops the publisher, which reconnects (as OBS does) with its new picture.
    const changed = await kit.waitState(live.itemId, 'reconnecting', 25_000);
    expect(changed.runs[0]?.reason).toBe('input_changed');
    expect(await first.exited).not.toBeNull();
    kit.publishRtmp(live, { input: path.join(dir, 'b.ts') });
    const after = await kit.waitState(live.itemId, 'live', 20_000);
    expect(after.runs).toHaveLength(2);
    const rung = new URL('360p/index.m3u8', (await kit.status(live.itemId)).url!).toString();
    await expect.poll(async () => (await kit.media(rung)).body, { timeout: 15_000 }).toContain('r2-seg_');
    expect((await kit.media(rung)).body).toContain('#EXT-X-DISCONTINUITY');
  }, 90_000);
});
