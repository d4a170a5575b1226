import { describe, expect, it } from 'vitest';
import { AUDIO, media, video } from '../test-support/media-info-fixtures.js';
import type { MediaInfo } from './media-info.js';
import { jitBandwidth } from './jit/jit-bandwidth.js';
import { segmentGrid } from './jit/segment-grid.js';
import { gridTargetDuration } from './jit/vod-media-playlist.js';
import { browserContainer, decidePlayback, type ClientCapabilities } from './playback-plan.js';

const chrome: ClientCapabilities = {
  containers: ['mp4', 'webm'],
  videoCodecs: ['h264', 'vp9', 'av1'],
  audioCodecs: ['aac', 'mp3', 'opus'],
  maxHeight: null,
  maxBitrate: null,
};

function mkv(over: Partial<MediaInfo> = {}): MediaInfo {
  return { ...media(video()), container: 'matroska', formatName: 'matroska,webm', ...over };
}

describe('decidePlayback', () => {
  it('plays the ladder once it is published, whatever the source', () => {
    const plan = decidePlayback(mkv({ video: video({ codec: 'hevc' }) }), true, chrome);
    expect(plan).toMatchObject({
      mode: 'vod',
      reasons: [],
      video: { codec: 'h264' },
      audio: { codec: 'aac' },
    });
  });

  it('plays an MP4 with H.264/AAC directly while the ladder is not ready', () => {
    const plan = decidePlayback(media(video()), false, chrome);
    expect(plan.mode).toBe('direct');
    expect(plan.reasons).toEqual(['ladder_not_ready']);
    expect(plan.video).toMatchObject({ action: 'copy', codec: 'h264', height: 1080 });
  });

  it('remuxes an H.264/AAC MKV: only the container is wrong', () => {
    const plan = decidePlayback(mkv(), false, chrome);
    expect(plan.mode).toBe('remux');
    expect(plan.reasons).toEqual(['ladder_not_ready', 'container_not_supported']);
    expect(plan.video.action).toBe('copy');
    expect(plan.audio.action).toBe('copy');
    expect(plan.source.container).toBe('mkv');
  });

  it('transcodes HEVC for a browser without HEVC, to at most 720p, keeping AAC', () => {
    const plan = decidePlayback(mkv({ video: video({ codec: 'hevc' }) }), false, chrome);
    expect(plan.mode).toBe('transcode');
    expect(plan.reasons).toEqual([
      'ladder_not_ready',
      'container_not_supported',
      'video_codec_not_supported',
    ]);
    expect(plan.video).toMatchObject({ action: 'encode', codec: 'h264', height: 720 });
    expect(plan.video.bitrate).toBeGreaterThan(1_000_000);
    expect(plan.audio).toMatchObject({ action: 'copy', codec: 'aac' });
  });

  it('encodes only the audio when the video can be copied', () => {
    const plan = decidePlayback(mkv({ audio: { ...AUDIO, codec: 'dts' } }), false, chrome);
    expect(plan.mode).toBe('transcode');
    expect(plan.reasons).toContain('audio_codec_not_supported');
    expect(plan.video.action).toBe('copy');
    expect(plan.audio).toEqual({ action: 'encode', codec: 'aac', bitrate: 128_000 });
  });

  it('scales to the screen and caps the bitrate to the connection', () => {
    const plan = decidePlayback(media(video()), false, { ...chrome, maxHeight: 480, maxBitrate: 1_000_000 });
    expect(plan.mode).toBe('transcode');
    expect(plan.reasons).toEqual(['ladder_not_ready', 'resolution_too_high']);
    expect(plan.video).toMatchObject({ action: 'encode', height: 480 });
    // The cap is a peak, not an average: what the session's master will promise (the VBV's maxrate and half a
    // second of buffer over its shortest measured run, the audio, MPEG-TS overhead) fits the connection.
    const grid = segmentGrid(60, 4);
    const { maxrate, bitrate } = plan.video;
    const promise = jitBandwidth({
      grid,
      targetDuration: gridTargetDuration(grid),
      video: { kind: 'vbv', bitrate: bitrate!, maxrate: maxrate!, bufsize: maxrate! / 2, frameRate: 30 },
      audioBitrate: 192_000,
    });
    expect(promise.peak).toBeLessThanOrEqual(1_000_000);
    expect(promise.peak).toBeGreaterThan(990_000);
    expect(plan.video.bitrate).toBeCloseTo(plan.video.maxrate! / 1.1, -1);
    expect(decidePlayback(media(video()), false, chrome).video.maxrate).toBeNull();
    const rich = decidePlayback({ ...media(video()), bitrate: 8_000_000 }, false, {
      ...chrome,
      maxBitrate: 2_000_000,
    });
    expect(rich.reasons).toContain('bitrate_too_high');
    expect(rich.video.action).toBe('encode');
  });

  it('under a cap, encodes audio whose rate the probe did not tell (its share of the cap must be known)', () => {
    const capped = { ...chrome, maxHeight: 480, maxBitrate: 1_000_000 };
    const unknown = decidePlayback(media(video(), { ...AUDIO, bitrate: null }), false, capped);
    expect(unknown.audio).toEqual({ action: 'encode', codec: 'aac', bitrate: 128_000 });
    expect(decidePlayback(media(video(), { ...AUDIO, bitrate: null }), false, chrome).audio.action).toBe(
      'copy',
    );
  });

  it('handles audio-only and video-only sources', () => {
    const audioOnly = decidePlayback(
      { ...mkv(), video: null, audio: { ...AUDIO, codec: 'flac' } },
      false,
      chrome,
    );
    expect(audioOnly).toMatchObject({
      mode: 'transcode',
      video: { action: 'none' },
      audio: { action: 'encode' },
    });
    const silent = decidePlayback(media(video(), null), false, chrome);
    expect(silent).toMatchObject({ mode: 'direct', audio: { action: 'none', codec: null } });
  });

  it('names containers as browsers do', () => {
    expect(browserContainer(media(video()))).toBe('mp4');
    expect(browserContainer(mkv())).toBe('mkv');
    expect(
      browserContainer(mkv({ video: video({ codec: 'vp9' }), audio: { ...AUDIO, codec: 'opus' } })),
    ).toBe('webm');
  });
});
