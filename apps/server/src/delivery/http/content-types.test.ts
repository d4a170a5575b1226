import { describe, expect, it } from 'vitest';
import { CONTENT_OBJECT_TYPES, type ContentObjectType } from '@coursecast/semconv';
import { cacheControlFor } from './cache-policy.js';
import { parseCacheControl } from './cache-control.js';
import { contentKind } from './content-types.js';

describe('contentKind: HLS objects', () => {
  it.each([
    ['master.m3u8', 'application/vnd.apple.mpegurl', CONTENT_OBJECT_TYPES.playlist],
    ['720p/index.m3u8', 'application/vnd.apple.mpegurl', CONTENT_OBJECT_TYPES.playlist],
    ['audio/index.m3u8', 'application/vnd.apple.mpegurl', CONTENT_OBJECT_TYPES.playlist],
    ['init.mp4', 'video/mp4', CONTENT_OBJECT_TYPES.init],
    ['720p/init.mp4', 'video/mp4', CONTENT_OBJECT_TYPES.init],
    ['audio/init.mp4', 'video/mp4', CONTENT_OBJECT_TYPES.init],
    ['720p/seg_00001.m4s', 'video/iso.segment', CONTENT_OBJECT_TYPES.videoSegment],
    ['1080p/seg_00042.m4s', 'video/iso.segment', CONTENT_OBJECT_TYPES.videoSegment],
    ['360p/seg_00001.ts', 'video/mp2t', CONTENT_OBJECT_TYPES.videoSegment],
    ['audio/seg_00001.m4s', 'audio/iso.segment', CONTENT_OBJECT_TYPES.audioSegment],
    ['tracks/audio/en/seg_00001.m4s', 'audio/iso.segment', CONTENT_OBJECT_TYPES.audioSegment],
    ['audio/seg_00001.ts', 'video/mp2t', CONTENT_OBJECT_TYPES.audioSegment],
    ['captions/en.vtt', 'text/vtt; charset=utf-8', CONTENT_OBJECT_TYPES.captions],
  ])('%s is %s (%s)', (path, mime, objectType) => {
    expect(contentKind(path)).toEqual({ mime, objectType });
  });

  it('matches the extension case-insensitively', () => {
    expect(contentKind('720p/SEG_00001.M4S')).toEqual({
      mime: 'video/iso.segment',
      objectType: CONTENT_OBJECT_TYPES.videoSegment,
    });
    expect(contentKind('Master.M3U8').objectType).toBe(CONTENT_OBJECT_TYPES.playlist);
  });

  it('treats only a directory named exactly "audio" as the audio rung', () => {
    expect(contentKind('audio_hd/seg_00001.m4s').objectType).toBe(CONTENT_OBJECT_TYPES.videoSegment);
    expect(contentKind('myaudio/seg_00001.m4s').objectType).toBe(CONTENT_OBJECT_TYPES.videoSegment);
  });

  it('does not treat a file named like "audio" as the audio rung', () => {
    expect(contentKind('720p/audio.m4s').objectType).toBe(CONTENT_OBJECT_TYPES.videoSegment);
  });

  it('answers the same for repeated look-ups (the extension cache does not leak the audio variant)', () => {
    expect(contentKind('audio/seg_1.m4s').mime).toBe('audio/iso.segment');
    expect(contentKind('720p/seg_1.m4s').mime).toBe('video/iso.segment');
    expect(contentKind('audio/seg_2.m4s').mime).toBe('audio/iso.segment');
  });
});

describe('contentKind: course material', () => {
  it.each([
    ['poster.jpg', 'image/jpeg', CONTENT_OBJECT_TYPES.image],
    ['thumbs/0001.png', 'image/png', CONTENT_OBJECT_TYPES.image],
    ['diagram.svg', 'image/svg+xml', CONTENT_OBJECT_TYPES.image],
    ['slides.pdf', 'application/pdf', CONTENT_OBJECT_TYPES.document],
    ['notes.txt', 'text/plain; charset=utf-8', CONTENT_OBJECT_TYPES.document],
    [
      'handout.docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      CONTENT_OBJECT_TYPES.document,
    ],
    ['quiz/index.html', 'text/html; charset=utf-8', CONTENT_OBJECT_TYPES.interactive],
    ['quiz/app.js', 'text/javascript; charset=utf-8', CONTENT_OBJECT_TYPES.interactive],
    ['quiz/style.css', 'text/css; charset=utf-8', CONTENT_OBJECT_TYPES.interactive],
    ['quiz/data.json', 'application/json; charset=utf-8', CONTENT_OBJECT_TYPES.interactive],
    ['quiz/engine.wasm', 'application/wasm', CONTENT_OBJECT_TYPES.interactive],
    ['quiz/font.woff2', 'font/woff2', CONTENT_OBJECT_TYPES.interactive],
  ])('%s is %s (%s)', (path, mime, objectType) => {
    expect(contentKind(path)).toEqual({ mime, objectType });
  });
});

describe('contentKind: unknown names', () => {
  it.each([
    ['an unknown extension', 'blob.xyzzy'],
    ['no extension', 'README'],
    ['a dot-file (no extension)', 'dir/.profile'],
    ['a trailing dot', 'file.'],
    ['an empty path', ''],
  ])('%s is other, application/octet-stream', (_name, path) => {
    expect(contentKind(path)).toEqual({
      mime: 'application/octet-stream',
      objectType: CONTENT_OBJECT_TYPES.other,
    });
  });

  it('takes the extension from the file name, not from a dotted directory', () => {
    expect(contentKind('v1.5/README').objectType).toBe(CONTENT_OBJECT_TYPES.other);
  });
});

describe('cacheControlFor', () => {
  const IMMUTABLE = 'public, max-age=31536000, immutable';

  it.each([
    CONTENT_OBJECT_TYPES.videoSegment,
    CONTENT_OBJECT_TYPES.audioSegment,
    CONTENT_OBJECT_TYPES.init,
    CONTENT_OBJECT_TYPES.captions,
    CONTENT_OBJECT_TYPES.image,
    CONTENT_OBJECT_TYPES.document,
    CONTENT_OBJECT_TYPES.interactive,
    CONTENT_OBJECT_TYPES.other,
  ])('a final %s is immutable for a year', (objectType) => {
    expect(cacheControlFor(objectType, true)).toBe(IMMUTABLE);
  });

  it('a final playlist is short-lived with stale-while-revalidate and stale-if-error', () => {
    expect(cacheControlFor(CONTENT_OBJECT_TYPES.playlist, true)).toBe(
      'public, max-age=30, stale-while-revalidate=30, stale-if-error=86400',
    );
  });

  it.each(Object.values(CONTENT_OBJECT_TYPES))('a %s that is not final is no-cache', (objectType) => {
    expect(cacheControlFor(objectType as ContentObjectType, false)).toBe('no-cache');
  });

  it('reads back through the edge parser as a year of freshness for segments', () => {
    expect(parseCacheControl(cacheControlFor(CONTENT_OBJECT_TYPES.videoSegment, true))).toMatchObject({
      maxAge: 31536000,
      immutable: true,
      noCache: false,
      noStore: false,
      isPrivate: false,
    });
  });

  it('reads back through the edge parser as 30 s fresh plus 30 s stale for playlists', () => {
    expect(parseCacheControl(cacheControlFor(CONTENT_OBJECT_TYPES.playlist, true))).toMatchObject({
      maxAge: 30,
      staleWhileRevalidate: 30,
      staleIfError: 86400,
      mustRevalidate: false,
    });
  });

  it('reads back through the edge parser as revalidate-every-use while in progress', () => {
    expect(parseCacheControl(cacheControlFor(CONTENT_OBJECT_TYPES.videoSegment, false))).toMatchObject({
      noCache: true,
      maxAge: null,
    });
  });
});
