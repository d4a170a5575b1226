import { describe, expect, it } from 'vitest';
import { capabilityQuery, heightLimit, probeCapabilities, type TypeSupport } from './capability-probe.js';

/** A fake canPlayType / isTypeSupported: the container must be listed, and so must the codec when one is named. */
const accepts =
  (containers: string[], codecs: string[]): TypeSupport =>
  (type) => {
    const [mime = '', params = ''] = type.split(';');
    const codec = /codecs="([^"]+)"/.exec(params)?.[1];
    return (
      containers.includes(mime.trim()) && (codec === undefined || codecs.some((c) => codec.startsWith(c)))
    );
  };

// Roughly what Chromium on Linux without hardware HEVC answers.
const CONTAINERS = ['video/mp4', 'video/webm', 'audio/mp4', 'audio/webm', 'audio/mpeg', 'audio/flac'];
const CODECS = ['avc1', 'vp8', 'vp9', 'vp09', 'av01', 'mp4a.40.2', 'mp4a.40.34', 'opus', 'vorbis', 'flac'];
const CHROMIUM = accepts(CONTAINERS, CODECS);

describe('probeCapabilities', () => {
  it('lists what both the element and MediaSource take, in the server vocabulary', () => {
    const mseNoFlac = (type: string) => CHROMIUM(type) && !type.includes('flac');
    const caps = probeCapabilities({ mse: mseNoFlac, element: CHROMIUM, screenHeight: 1080 });
    expect(caps.containers).toEqual(['mp4', 'webm']);
    expect(caps.videoCodecs).toEqual(['h264', 'vp8', 'vp9', 'av1']);
    // FLAC plays as a file here but not through MediaSource: left out, as remuxing it would fail.
    expect(caps.audioCodecs).toEqual(['aac', 'mp3', 'opus', 'vorbis']);
    expect(caps.maxHeight).toBe(1080);
  });

  it('asks the element alone where there is no MediaSource (native HLS), and counts hev1 as HEVC', () => {
    const safari = accepts(['video/mp4', 'audio/mp4', 'audio/mpeg'], ['avc1', 'hev1', 'mp4a.40.2', 'ec-3']);
    const caps = probeCapabilities({ mse: null, element: safari });
    expect(caps.containers).toEqual(['mp4']);
    expect(caps.videoCodecs).toEqual(['h264', 'hevc']);
    expect(caps.audioCodecs).toEqual(['aac', 'mp3', 'eac3']);
    expect(caps.maxHeight).toBeNull();
  });

  it('treats a predicate that throws as a no', () => {
    const throwing: TypeSupport = (type) => {
      if (type.includes('hvc1') || type.includes('hev1')) throw new TypeError('bad codec string');
      return CHROMIUM(type);
    };
    expect(probeCapabilities({ mse: throwing, element: throwing }).videoCodecs).not.toContain('hevc');
  });
});

describe('heightLimit', () => {
  it('rounds the screen up to a standard height, so a laptop still gets 1080p sources as they are', () => {
    expect(heightLimit(768)).toBe(1080);
    expect(heightLimit(1080)).toBe(1080);
    expect(heightLimit(1440 * 1.5)).toBe(2160);
    expect(heightLimit(200)).toBe(360);
    expect(heightLimit(9000)).toBeNull();
    expect(heightLimit(0)).toBeNull();
    expect(heightLimit(Number.NaN)).toBeNull();
  });
});

describe('capabilityQuery', () => {
  it('writes the playback route query, with the viewer', () => {
    const query = capabilityQuery(
      { containers: ['mp4', 'webm'], videoCodecs: ['h264', 'vp9'], audioCodecs: ['aac'], maxHeight: 720 },
      'v1234',
    );
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      containers: 'mp4,webm',
      videoCodecs: 'h264,vp9',
      audioCodecs: 'aac',
      maxHeight: '720',
      viewer: 'v1234',
    });
  });

  it('says `none` for an empty list (an empty parameter means "the defaults" to the server)', () => {
    const query = new URLSearchParams(
      capabilityQuery({ containers: [], videoCodecs: [], audioCodecs: ['aac'], maxHeight: null }),
    );
    expect(query.get('containers')).toBe('none');
    expect(query.get('videoCodecs')).toBe('none');
    expect(query.has('maxHeight')).toBe(false);
    expect(query.has('viewer')).toBe(false);
  });
});
