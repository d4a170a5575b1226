import { describe, expect, it } from 'vitest';
import { parseInput } from '../validation.js';
import { CapabilitiesQuery } from './client-capabilities.js';

const parse = (query: Record<string, string>) => parseInput(CapabilitiesQuery, query, 'query');

describe('CapabilitiesQuery', () => {
  it('defaults to what every browser plays', () => {
    expect(parse({})).toEqual({
      containers: ['mp4'],
      videoCodecs: ['h264'],
      audioCodecs: ['aac', 'mp3'],
      maxHeight: null,
      maxBitrate: null,
    });
  });

  it('reads comma lists and numbers', () => {
    expect(
      parse({
        containers: 'mp4, webm',
        videoCodecs: 'h264,hevc',
        audioCodecs: 'opus',
        maxHeight: '720',
        maxBitrate: '3000000',
      }),
    ).toEqual({
      containers: ['mp4', 'webm'],
      videoCodecs: ['h264', 'hevc'],
      audioCodecs: ['opus'],
      maxHeight: 720,
      maxBitrate: 3_000_000,
    });
  });

  it('refuses bad values with a 400 naming the field', () => {
    expect(() => parse({ videoCodecs: 'H264;rm -rf' })).toThrow(/videoCodecs/);
    expect(() => parse({ maxHeight: 'tall' })).toThrow(/maxHeight/);
    expect(() => parse({ maxBitrate: '10' })).toThrow(/maxBitrate/);
    let caught: unknown = null;
    try {
      parse({ maxHeight: '0' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});
