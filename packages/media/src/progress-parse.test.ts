import { describe, expect, it } from 'vitest';
import { ProgressParser, toProgressSample } from './progress-parse.js';

// Captured from `ffmpeg -progress pipe:1 -stats_period 0.5 -nostats ...` (FFmpeg 5.1.9, Debian 12).
const CAPTURED = `frame=1
fps=0.00
stream_0_0_q=0.0
bitrate=   9.0kbits/s
total_size=48
out_time_us=42667
out_time_ms=42667
out_time=00:00:00.042667
dup_frames=0
drop_frames=0
speed=6.59x
progress=continue
frame=84
fps=81.40
stream_0_0_q=29.0
bitrate= 744.9kbits/s
total_size=262192
out_time_us=2816000
out_time_ms=2816000
out_time=00:00:02.816000
dup_frames=0
drop_frames=0
speed=2.73x
progress=continue
frame=120
fps=0.00
stream_0_0_q=-1.0
stream_0_1_q=-1.0
bitrate=N/A
total_size=N/A
out_time_us=4010667
out_time_ms=4010667
out_time=00:00:04.010667
dup_frames=0
drop_frames=0
speed= 7.3x
progress=end
`;

describe('ProgressParser', () => {
  it('parses captured FFmpeg progress blocks', () => {
    const samples = new ProgressParser().push(CAPTURED);
    expect(samples).toHaveLength(3);
    expect(samples[0]).toEqual({ outTimeSeconds: 0.042667, speed: 6.59, fps: null, frame: 1, end: false });
    expect(samples[1]).toEqual({ outTimeSeconds: 2.816, speed: 2.73, fps: 81.4, frame: 84, end: false });
    expect(samples[2]).toMatchObject({ outTimeSeconds: 4.010667, speed: 7.3, end: true });
  });

  it('yields the same blocks however the stream is chunked', () => {
    const whole = new ProgressParser().push(CAPTURED);
    for (const size of [1, 7, 64]) {
      const parser = new ProgressParser();
      const got = [];
      for (let i = 0; i < CAPTURED.length; i += size) got.push(...parser.push(CAPTURED.slice(i, i + size)));
      expect(got).toEqual(whole);
    }
  });

  it('emits nothing until a block is complete', () => {
    const parser = new ProgressParser();
    expect(parser.push('frame=3\nout_time_us=100000\n')).toEqual([]);
    expect(parser.push('progress=cont')).toEqual([]);
    expect(parser.push('inue\n')).toEqual([
      { outTimeSeconds: 0.1, speed: null, fps: null, frame: 3, end: false },
    ]);
  });
});

describe('toProgressSample', () => {
  it('treats N/A and FFmpeg’s "no timestamp" value as unknown', () => {
    const s = toProgressSample(
      new Map([
        ['out_time_us', '-9223372036854775807'],
        ['out_time_ms', '-9223372036854775807'],
        ['out_time', '-577014:32:22.775808'],
        ['speed', 'N/A'],
        ['progress', 'continue'],
      ]),
    );
    expect(s).toEqual({ outTimeSeconds: null, speed: null, fps: null, frame: null, end: false });
  });

  it('falls back to out_time_ms (microseconds, despite the name) and then to out_time', () => {
    expect(toProgressSample(new Map([['out_time_ms', '1500000']])).outTimeSeconds).toBe(1.5);
    expect(toProgressSample(new Map([['out_time', '01:02:03.500000']])).outTimeSeconds).toBe(3723.5);
  });
});
