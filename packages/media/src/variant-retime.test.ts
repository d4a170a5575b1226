import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFrameTimesCsv } from './frame-times-probe.js';
import { keptFrameTimes, planRetime, retimePlaylist, retimeVariant } from './variant-retime.js';

const TS = 15_360;
const frames = (times: number[], end: number) => ({ times, end });

describe('planRetime', () => {
  // What FFmpeg 5.1 writes for frames at 0, 1/30, 1, 3 | 4, 4+1/30 (segments of 4 s) ending at 6: each
  // segment's last frame lasts one nominal frame, and the next starts where that guess ended.
  const written = [
    { baseTime: 0, durations: [512, 14_848, 30_720, 512] },
    { baseTime: 46_592, durations: [15_360, 512] },
  ];
  const source = frames([0, 1 / 30, 1, 3, 4, 4 + 1 / 30], 6);

  it('puts each segment at its first frame’s source time and gives every frame its source duration', () => {
    expect(planRetime(written, source, TS)).toEqual({
      segments: [
        { baseTime: 0, durations: [512, 14_848, 30_720, 15_360] },
        { baseTime: 61_440, durations: [512, 30_208] },
      ],
    });
  });

  it('leaves a variant alone when its frames are not the source’s', () => {
    expect(planRetime(written, frames(source.times.slice(1), 6), TS)).toEqual({
      reason: '6 frames written, 5 in the source',
    });
    const shifted = frames([0, 1 / 30, 1.5, 3, 4, 4 + 1 / 30], 6);
    expect(planRetime(written, shifted, TS)).toEqual({
      reason: 'segment 0 sample 2 is at tick 15360, the source’s frame at 23040'.replace('’', "'"),
    });
  });

  it('gives the last frame at least one tick when the source reports no duration for it', () => {
    const plan = planRetime([{ baseTime: 0, durations: [512] }], frames([0], 0), TS);
    expect(plan).toEqual({ segments: [{ baseTime: 0, durations: [1] }] });
  });
});

describe('retimePlaylist / keptFrameTimes / parseFrameTimesCsv', () => {
  it('rewrites every EXTINF and the target duration, nothing else', () => {
    const text =
      '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.000000,\nseg_0.m4s\n#EXTINF:0.133333,\nseg_1.m4s\n';
    expect(retimePlaylist(text, [4.0333, 5.6])).toBe(
      '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:4.033300,\nseg_0.m4s\n#EXTINF:5.600000,\nseg_1.m4s\n',
    );
  });

  it('keeps the frames the select filter keeps: a period after the last one kept', () => {
    const times = [0, 1 / 120, 2 / 120, 3 / 120, 1, 1 + 1 / 60];
    expect(keptFrameTimes(times, 1 / 60 - 0.0005)).toEqual([0, 2 / 120, 1, 1 + 1 / 60]);
    expect(keptFrameTimes(times, null)).toEqual(times);
  });

  it('reads packet times from the file start, sorted, with the end of the longest-shown frame', () => {
    const csv = 'packet,1.100000,0.033333\npacket,1.000000,1.000000\npacket,N/A,0.1\nformat,1.000000\n';
    const parsed = parseFrameTimesCsv(csv);
    expect(parsed.times.map((t) => Math.round(t * 1e6) / 1e6)).toEqual([0, 0.1]);
    expect(parsed.end).toBeCloseTo(1, 6);
  });
});

describe('retimeVariant', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes nothing when a segment is not the shape it knows', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-retime-'));
    const variant = path.join(dir, '360p');
    await mkdir(variant);
    const playlist = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.0,\nseg_0.m4s\n#EXT-X-ENDLIST\n';
    await writeFile(path.join(variant, 'index.m3u8'), playlist);
    const mdhd = Buffer.alloc(32);
    mdhd.writeUInt32BE(32);
    mdhd.write('mdhd', 4);
    mdhd.writeUInt32BE(TS, 20);
    const wrap = (type: string, inner: Buffer) => {
      const h = Buffer.alloc(8);
      h.writeUInt32BE(8 + inner.length);
      h.write(type, 4);
      return Buffer.concat([h, inner]);
    };
    await writeFile(path.join(variant, 'init.mp4'), wrap('moov', wrap('trak', wrap('mdia', mdhd))));
    await writeFile(path.join(variant, 'seg_0.m4s'), wrap('mdat', Buffer.alloc(16)));
    const outcome = await retimeVariant(dir, '360p', frames([0], 4));
    expect(outcome).toEqual({ retimed: false, reason: 'expected one moof, found 0' });
    expect(await readFile(path.join(variant, 'index.m3u8'), 'utf8')).toBe(playlist);
    expect((await readdir(variant)).sort()).toEqual(['index.m3u8', 'init.mp4', 'seg_0.m4s']);
  });
});
