import { describe, expect, it } from 'vitest';
import { verifyLadderOutput } from './output-verify.js';
import type { RungSnapshot } from './rung-watch.js';
import { rejection } from '../test-support/media-test-kit.js';

const snap = (over: Partial<RungSnapshot> = {}): RungSnapshot => ({
  name: '720p',
  segments: [{ uri: 'seg_00000.m4s', duration: 4, bytes: 1000 }],
  mediaSeconds: 4,
  bytes: 1000,
  ended: true,
  endedAt: 1,
  mapUri: 'init.mp4',
  ...over,
});
const plenty = () => Promise.resolve(10 * 1024 ** 3);
const full = () => Promise.resolve(4096);

describe('verifyLadderOutput', () => {
  it('accepts finished, non-empty variants', async () => {
    await expect(
      verifyLadderOutput([snap(), snap({ name: 'audio' })], '/out', plenty),
    ).resolves.toBeUndefined();
  });

  it('calls an unfinished variant on a full disk disk_full, naming the free space', async () => {
    const err = await rejection(verifyLadderOutput([snap({ ended: false, segments: [] })], '/out', full));
    expect(err.type).toBe('disk_full');
    expect(err.transient).toBe(true);
    expect(err.message).toBe(
      'disk full: ffmpeg exited cleanly but 720p/index.m3u8 has no #EXT-X-ENDLIST; 4096 bytes free under /out',
    );
  });

  it('calls an empty segment with space left a failed write (internal, transient)', async () => {
    const bad = snap({ segments: [{ uri: 'seg_00000.m4s', duration: 4, bytes: 0 }] });
    const err = await rejection(verifyLadderOutput([bad], '/out', plenty));
    expect(err.type).toBe('internal');
    expect(err.transient).toBe(true);
    expect(err.message).toContain('720p/seg_00000.m4s is empty');
  });

  it('rejects a variant that lists no segment', async () => {
    const err = await rejection(verifyLadderOutput([snap({ segments: [] })], '/out', plenty));
    expect(err.message).toContain('720p/index.m3u8 lists no segment');
  });
});
