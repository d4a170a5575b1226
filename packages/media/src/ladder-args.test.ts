import { describe, expect, it } from 'vitest';
import { buildLadderArgs, frameRateExpression } from './ladder-args.js';
import { DEFAULT_LADDER_OPTIONS, planLadder } from './ladder-plan.js';
import { MediaError } from './media-error.js';
import { media, video } from '../test-support/media-info-fixtures.js';

const OUT = '/srv/out';
const ladder = (info = media(video()), heights = [1080, 720, 360]) =>
  planLadder(info, { ...DEFAULT_LADDER_OPTIONS, heights });

/** The value following an option, e.g. `valueOf(args, '-var_stream_map')`. */
function valueOf(args: string[], option: string): string | undefined {
  const i = args.indexOf(option);
  return i >= 0 ? args[i + 1] : undefined;
}

describe('buildLadderArgs', () => {
  it('decodes once and splits into one scaled branch per encoded rung', () => {
    const args = buildLadderArgs('/in/lecture.mp4', OUT, ladder());
    expect(valueOf(args, '-i')).toBe('file:/in/lecture.mp4');
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(valueOf(args, '-filter_complex')).toBe(
      '[0:0]split=3[s0][s1][s2];' +
        '[s0]scale=w=1920:h=1080,setsar=1,format=yuv420p[v0];' +
        '[s1]scale=w=1280:h=720,setsar=1,format=yuv420p[v1];' +
        '[s2]scale=w=640:h=360,setsar=1,format=yuv420p[v2]',
    );
    expect(args.join(' ')).toContain('-map [v0] -map [v1] -map [v2] -map 0:1');
  });

  it('maps the variants with one shared audio group', () => {
    const args = buildLadderArgs('/in/a.mp4', OUT, ladder());
    expect(valueOf(args, '-var_stream_map')).toBe(
      'v:0,agroup:audio,name:1080p v:1,agroup:audio,name:720p v:2,agroup:audio,name:360p a:0,agroup:audio,name:audio',
    );
    expect(valueOf(args, '-c:a:0')).toBe('aac');
    expect(valueOf(args, '-b:a:0')).toBe('128000');
    expect(valueOf(args, '-ac:a:0')).toBe('2');
    expect(valueOf(args, '-ar:a:0')).toBe('48000');
  });

  it('forces keyframes on the segment grid with a segment-long GOP and no scene cuts', () => {
    const plan = ladder();
    const args = buildLadderArgs('/in/a.mp4', OUT, plan);
    for (const i of [0, 1, 2]) {
      expect(valueOf(args, `-c:v:${i}`)).toBe('libx264');
      expect(valueOf(args, `-force_key_frames:v:${i}`)).toBe('expr:gte(t,n_forced*4)');
      expect(valueOf(args, `-g:v:${i}`)).toBe('120');
      expect(valueOf(args, `-sc_threshold:v:${i}`)).toBe('0');
      expect(valueOf(args, `-preset:v:${i}`)).toBe('veryfast');
      expect(valueOf(args, `-b:v:${i}`)).toBe(String(plan.rungs[i]!.videoBitrate));
      expect(valueOf(args, `-maxrate:v:${i}`)).toBe(String(plan.rungs[i]!.maxrate));
      expect(valueOf(args, `-bufsize:v:${i}`)).toBe(String(plan.rungs[i]!.bufsize));
    }
  });

  it('writes fMP4 HLS into per-variant directories with a master playlist', () => {
    const args = buildLadderArgs('/in/a.mp4', OUT, ladder());
    expect(valueOf(args, '-f')).toBe('hls');
    expect(valueOf(args, '-hls_segment_type')).toBe('fmp4');
    expect(valueOf(args, '-hls_time')).toBe('4');
    expect(valueOf(args, '-hls_segment_filename')).toBe('/srv/out/%v/seg_%05d.m4s');
    expect(valueOf(args, '-master_pl_name')).toBe('master.m3u8');
    expect(args.at(-1)).toBe('/srv/out/%v/index.m3u8');
    expect(valueOf(args, '-progress')).toBe('pipe:1');
    expect(args).toContain('-nostdin');
  });

  it('stream-copies the top rung and takes the other rungs’ keyframes from the source', () => {
    const plan = ladder(media(video({ bitrate: 5_000_000 })));
    expect(plan.copyDecision.copy).toBe(true);
    const args = buildLadderArgs('/in/a.mp4', OUT, plan);
    expect(valueOf(args, '-c:v:0')).toBe('copy');
    expect(args.join(' ')).toContain('-map 0:0 -map [v0] -map [v1] -map 0:1');
    expect(valueOf(args, '-filter_complex')).toMatch(/^\[0:0\]split=2\[s0\]\[s1\];/);
    expect(valueOf(args, '-force_key_frames:v:1')).toBe('source');
    expect(valueOf(args, '-force_key_frames:v:0')).toBeUndefined();
  });

  it('uses no filter graph when the only video rung is copied', () => {
    const plan = ladder(media(video({ width: 640, height: 360, bitrate: 600_000 })), [360]);
    const args = buildLadderArgs('/in/a.mp4', OUT, plan);
    expect(args).not.toContain('-filter_complex');
    expect(valueOf(args, '-c:v:0')).toBe('copy');
  });

  it('maps the real video stream, not cover art at index 0', () => {
    const args = buildLadderArgs('/in/a.mp4', OUT, ladder(media(video({ index: 2 }))));
    expect(valueOf(args, '-filter_complex')).toMatch(/^\[0:2\]/);
  });

  it('builds an audio-only ladder without groups or video options', () => {
    const args = buildLadderArgs('/in/a.m4a', OUT, ladder(media(null)));
    expect(valueOf(args, '-var_stream_map')).toBe('a:0,name:audio');
    expect(args).not.toContain('-filter_complex');
    expect(args.join(' ')).not.toContain('libx264');
    expect(valueOf(args, '-hls_fmp4_init_filename')).toBe('init.mp4');
  });

  it('pads audio with silence from the start and to the source’s end beside video, not without it', () => {
    const withVideo = buildLadderArgs('/in/a.mp4', OUT, ladder());
    expect(valueOf(withVideo, '-filter:a:0')).toBe('aresample=async=1:first_pts=0,apad=whole_dur=60.000');
    const audioOnly = buildLadderArgs('/in/a.m4a', OUT, ladder(media(null)));
    expect(valueOf(audioOnly, '-filter:a:0')).toBe('aresample=async=1:first_pts=0');
  });

  it('builds a video-only ladder without audio', () => {
    const args = buildLadderArgs('/in/a.mp4', OUT, ladder(media(video(), null), [720, 360]));
    expect(valueOf(args, '-var_stream_map')).toBe('v:0,name:720p v:1,name:360p');
    expect(args).not.toContain('-c:a:0');
  });

  it('adds fps and yadif before the split when the plan asks for them', () => {
    const graph = valueOf(
      buildLadderArgs('/in/a.mp4', OUT, ladder(media(video({ frameRate: 119.88, interlaced: true })))),
      '-filter_complex',
    );
    expect(graph).toMatch(/^\[0:0\]yadif,fps=60000\/1001,split=3/);
  });

  it('keeps a variable-rate source’s timing: no B-frames, keyframes on the first frame of each grid cell', () => {
    const screen = video({ frameRate: 4.5, nominalFrameRate: 30, variableFrameRate: true });
    const args = buildLadderArgs('/in/a.mp4', OUT, ladder(media(screen)));
    for (const out of [0, 1, 2]) {
      expect(valueOf(args, `-fps_mode:v:${out}`)).toBe('vfr');
      expect(valueOf(args, `-bf:v:${out}`)).toBe('0');
      expect(valueOf(args, `-g:v:${out}`)).toBe('120');
      expect(valueOf(args, `-force_key_frames:v:${out}`)).toBe(
        'expr:isnan(prev_forced_t)+gte(floor(t/4),floor(prev_forced_t/4)+1)',
      );
    }
    expect(valueOf(args, '-filter_complex')).toMatch(/^\[0:0\]split=3/);
    const capped = video({ frameRate: 20, nominalFrameRate: 120, variableFrameRate: true });
    expect(valueOf(buildLadderArgs('/in/a.mp4', OUT, ladder(media(capped))), '-filter_complex')).toMatch(
      /^\[0:0\]select='isnan\(prev_selected_t\)\+gte\(t-prev_selected_t,0\.016\d+\)',split=3/,
    );
    const constant = buildLadderArgs('/in/a.mp4', OUT, ladder());
    expect(constant.some((a) => a.startsWith('-fps_mode') || a.startsWith('-bf'))).toBe(false);
  });

  it('refuses an output directory FFmpeg would expand', () => {
    expect(() => buildLadderArgs('/in/a.mp4', '/srv/100%/x', ladder())).toThrow(MediaError);
  });
});

describe('frameRateExpression', () => {
  it('writes NTSC rates as exact rationals', () => {
    expect(frameRateExpression(29.97)).toBe('30000/1001');
    expect(frameRateExpression(59.94)).toBe('60000/1001');
    expect(frameRateExpression(23.976)).toBe('24000/1001');
    expect(frameRateExpression(30)).toBe('30');
    expect(frameRateExpression(12.5)).toBe('12.5');
  });
});
