import { describe, expect, it } from 'vitest';
import { keyframeIntervalFromPackets, parseRational, toMediaInfo } from './ffprobe-parse.js';
import { MediaError } from './media-error.js';

const FORMAT = {
  format_name: 'mov,mp4,m4a,3gp,3g2,mj2',
  duration: '10.5',
  bit_rate: '800000',
  size: '1050000',
};
const H264 = {
  index: 0,
  codec_type: 'video',
  codec_name: 'h264',
  profile: 'High',
  pix_fmt: 'yuv420p',
  width: 1920,
  height: 1080,
  avg_frame_rate: '30000/1001',
  r_frame_rate: '30000/1001',
  bit_rate: '700000',
  field_order: 'progressive',
};

describe('toMediaInfo', () => {
  it('reduces ffprobe JSON to MediaInfo', () => {
    const info = toMediaInfo({ format: FORMAT, streams: [H264] }, 'a.mp4', 0);
    expect(info).toMatchObject({
      durationSeconds: 10.5,
      container: 'mov',
      bitrate: 800_000,
      sizeBytes: 1_050_000,
      audio: null,
    });
    expect(info.video).toMatchObject({
      width: 1920,
      height: 1080,
      frameRate: 29.97,
      bitrate: 700_000,
      rotation: 0,
    });
  });

  it('swaps the size of a rotated phone video', () => {
    const rotated = { ...H264, side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] };
    const info = toMediaInfo({ format: FORMAT, streams: [rotated] }, 'a.mp4', 0);
    expect(info.video).toMatchObject({ width: 1080, height: 1920, rotation: 270 });
  });

  it('plans an anamorphic source on its displayed width', () => {
    const dv = { ...H264, width: 720, height: 480, sample_aspect_ratio: '32:27' };
    expect(toMediaInfo({ format: FORMAT, streams: [dv] }, 'a.mp4', 0).video).toMatchObject({
      width: 853,
      height: 480,
    });
  });

  it('tells a screen recording (frames only when the screen changes) from a phone that drifts', () => {
    const timing = (avg: string, r: string) =>
      toMediaInfo({ format: FORMAT, streams: [{ ...H264, avg_frame_rate: avg, r_frame_rate: r }] }, 'a', 0)
        .video!;
    expect(timing('2730/571', '30/1')).toMatchObject({
      frameRate: 4.781,
      nominalFrameRate: 30,
      variableFrameRate: true,
    });
    expect(timing('29600/1000', '30/1')).toMatchObject({
      frameRate: 29.6,
      nominalFrameRate: 30,
      variableFrameRate: false,
    });
    // A timebase-like r_frame_rate is no nominal rate: the average stands in for it.
    expect(timing('25/1', '90000/1')).toMatchObject({
      frameRate: 25,
      nominalFrameRate: 25,
      variableFrameRate: false,
    });
    expect(timing('0/0', '24/1')).toMatchObject({
      frameRate: 24,
      nominalFrameRate: 24,
      variableFrameRate: false,
    });
  });

  it('flags interlaced sources', () => {
    const tff = { ...H264, field_order: 'tt' };
    expect(toMediaInfo({ format: FORMAT, streams: [tff] }, 'a.mp4', 0).video!.interlaced).toBe(true);
  });

  it('skips cover art and picks the real video stream', () => {
    const cover = { ...H264, index: 0, codec_name: 'mjpeg', disposition: { attached_pic: 1 } };
    const info = toMediaInfo({ format: FORMAT, streams: [cover, { ...H264, index: 1 }] }, 'a.mp4', 0);
    expect(info.video).toMatchObject({ index: 1, codec: 'h264' });
  });

  it('rejects a file without duration and one without streams', () => {
    expect(() => toMediaInfo({ format: { format_name: 'png_pipe' }, streams: [H264] }, 'a.png', 0)).toThrow(
      /has no duration/,
    );
    const noStreams = (): unknown => toMediaInfo({ format: FORMAT, streams: [] }, 'a.mp4', 0);
    expect(noStreams).toThrow(MediaError);
    expect(noStreams).toThrow(/no audio or video stream/);
  });
});

describe('keyframeIntervalFromPackets', () => {
  it('measures min, max and mean spacing of keyframe packets', () => {
    const packets = [0, 0.5, 2, 2.5, 4, 5, 6].map((t) => ({
      pts_time: t.toFixed(6),
      flags: [0, 2, 4, 6].includes(t) ? 'K__' : '___',
    }));
    expect(keyframeIntervalFromPackets({ packets })).toEqual({ min: 2, max: 2, mean: 2 });
  });

  it('is null with fewer than two keyframes', () => {
    expect(keyframeIntervalFromPackets({ packets: [{ pts_time: '0.0', flags: 'K_' }] })).toBeNull();
  });
});

describe('parseRational', () => {
  it('parses rationals and rejects 0/0', () => {
    expect(parseRational('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseRational('0/0')).toBeNull();
    expect(parseRational('25')).toBe(25);
  });
});
