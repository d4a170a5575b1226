import { describe, expect, it } from 'vitest';
import { buildJitArgs, jitSegmentName, MAX_SEGMENTS_PER_RUN, type JitArgsInput } from './jit-args.js';
import { keyframeGrid, segmentGrid } from './segment-grid.js';

const encodeInput: JitArgsInput = {
  source: '/media/in.mkv',
  outDir: '/jit/s1',
  grid: segmentGrid(12, 2),
  startIndex: 0,
  video: { mode: 'encode', height: 720, bitrate: 2_500_000, preset: 'veryfast', codec: 'h264' },
  audio: { mode: 'encode', bitrate: 128_000 },
  token: 'abcd1234',
};

describe('buildJitArgs', () => {
  it('encodes from segment 4: accurate seek, keyframes on the grid, cuts at grid times', () => {
    const plan = buildJitArgs({ ...encodeInput, startIndex: 4 });
    expect(plan.args).toEqual([
      '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1',
      '-ss', '8',
      '-i', 'file:/media/in.mkv',
      '-map', '0:V:0',
      '-vf', 'scale=w=trunc(dar*720/2)*2:h=720,setsar=1,format=yuv420p,tpad=stop_mode=clone:stop_duration=4',
      '-c:v', 'libx264', '-preset', 'veryfast',
      '-b:v', '2500000', '-maxrate', '2750000', '-bufsize', '5000000',
      '-fps_mode', 'vfr', '-enc_time_base', '-1',
      '-force_key_frames', 'expr:gte(t,n_forced*2-0.000001)',
      '-map', '0:a:0?', '-af', 'aformat=channel_layouts=mono|stereo', '-c:a', 'aac', '-b:a', '128000',
      '-map_metadata', '-1', '-map_chapters', '-1',
      '-t', '4', '-max_muxing_queue_size', '4096',
      '-f', 'segment', '-segment_format', 'mpegts',
      '-avoid_negative_ts', 'disabled', '-segment_format_options', 'avoid_negative_ts=disabled',
      '-output_ts_offset', '8',
      '-segment_times', '10,12',
      '-segment_time_delta', '0.001',
      '-segment_start_number', '4',
      '-segment_list', '/jit/s1/.jit-abcd1234-list.csv', '-segment_list_type', 'csv',
      '/jit/s1/.jit-abcd1234-%05d.ts',
    ]); // prettier-ignore
    expect(plan).toMatchObject({
      listFile: '/jit/s1/.jit-abcd1234-list.csv',
      partPrefix: '.jit-abcd1234-',
      firstNumber: 4,
      lastIndex: 5,
      seekSeconds: 8,
      durationSeconds: 4,
    });
  });

  it('does not seek or offset from segment 0', () => {
    const { args } = buildJitArgs(encodeInput);
    expect(args).not.toContain('-ss');
    expect(args).not.toContain('-output_ts_offset');
    expect(args[args.indexOf('-segment_times') + 1]).toBe('2,4,6,8,10,12');
  });

  it('copies from a keyframe grid: seeks early and numbers the pre-roll startIndex - 1', () => {
    const grid = keyframeGrid([0.021, 1.521, 3.021, 4.521, 6.021, 7.521, 9.021, 10.521], 12.021, 2);
    const plan = buildJitArgs({
      ...encodeInput,
      grid,
      startIndex: 2,
      video: { mode: 'copy' },
      audio: { mode: 'copy' },
    });
    expect(plan.args).toEqual([
      '-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1',
      '-ss', '5.521',
      '-i', 'file:/media/in.mkv',
      '-map', '0:V:0', '-c:v', 'copy',
      '-map', '0:a:0?', '-c:a', 'copy',
      '-map_metadata', '-1', '-map_chapters', '-1',
      '-t', '6.5', '-max_muxing_queue_size', '4096',
      '-f', 'segment', '-segment_format', 'mpegts',
      '-avoid_negative_ts', 'disabled', '-segment_format_options', 'avoid_negative_ts=disabled',
      '-output_ts_offset', '5.521',
      '-segment_times', '6.021,9.021,12.021',
      '-segment_time_delta', '0.001',
      '-segment_start_number', '1',
      '-segment_list', '/jit/s1/.jit-abcd1234-list.csv', '-segment_list_type', 'csv',
      '/jit/s1/.jit-abcd1234-%05d.ts',
    ]); // prettier-ignore
    expect(plan).toMatchObject({ firstNumber: 1, lastIndex: 3, seekSeconds: 5.521 });
  });

  it('forces keyframes from a list, relative to the seek, for an irregular grid', () => {
    const grid = keyframeGrid([0, 2.5, 5, 8], 10, 2);
    const { args } = buildJitArgs({ ...encodeInput, grid, startIndex: 1 });
    expect(args[args.indexOf('-force_key_frames') + 1]).toBe('2.5,5.5,7.5');
    expect(args[args.indexOf('-segment_times') + 1]).toBe('5,8,10');
  });

  it('maps given stream indexes, drops audio, deinterlaces', () => {
    const { args } = buildJitArgs({
      ...encodeInput,
      streams: { video: 2, audio: 5 },
      video: { ...encodeInput.video, deinterlace: true } as JitArgsInput['video'],
    });
    expect(args).toContain('0:2');
    expect(args).toContain('0:5');
    expect(args[args.indexOf('-vf') + 1]).toMatch(/^yadif,scale=/);
    expect(buildJitArgs({ ...encodeInput, audio: { mode: 'none' } }).args).toContain('-an');
  });

  it('drops copied audio from before the seek when the video is encoded (no pre-roll to absorb it)', () => {
    const { args } = buildJitArgs({ ...encodeInput, startIndex: 4, audio: { mode: 'copy' } });
    expect(args.slice(args.indexOf('-c:a'), args.indexOf('-c:a') + 4)).toEqual([
      '-c:a',
      'copy',
      '-copypriorss:a',
      '0',
    ]);
  });

  it('escapes % in the output directory for the segment pattern only', () => {
    const plan = buildJitArgs({ ...encodeInput, outDir: '/jit/100%' });
    expect(plan.args.at(-1)).toBe('/jit/100%%/.jit-abcd1234-%05d.ts');
    expect(plan.listFile).toBe('/jit/100%/.jit-abcd1234-list.csv');
  });

  it('caps a run at MAX_SEGMENTS_PER_RUN and ends it on a cut', () => {
    const grid = segmentGrid(2 * (MAX_SEGMENTS_PER_RUN + 10), 2);
    const plan = buildJitArgs({ ...encodeInput, grid, startIndex: 5 });
    expect(plan.lastIndex).toBe(5 + MAX_SEGMENTS_PER_RUN - 1);
    const times = plan.args[plan.args.indexOf('-segment_times') + 1]!.split(',');
    expect(times.at(-1)).toBe(String((plan.lastIndex + 1) * 2));
    expect(plan.durationSeconds).toBe(MAX_SEGMENTS_PER_RUN * 2);
    expect(plan.args.join(' ').length).toBeLessThan(128 * 1024);
  });

  it('rejects a start outside the grid', () => {
    expect(() => buildJitArgs({ ...encodeInput, startIndex: 6 })).toThrow(RangeError);
    expect(() => buildJitArgs({ ...encodeInput, startIndex: -1 })).toThrow(/outside the grid/);
  });

  it('names segments by grid index, padded to 5', () => {
    expect(jitSegmentName(7)).toBe('seg_00007.ts');
    expect(jitSegmentName(123456)).toBe('seg_123456.ts');
  });
});
