import { describe, expect, it } from 'vitest';
import { renderMasterPlaylist } from './master-playlist-write.js';

describe('renderMasterPlaylist', () => {
  it('lists video variants with measured attributes and the shared audio group', () => {
    const text = renderMasterPlaylist({
      variants: [
        {
          uri: '720p/index.m3u8',
          bandwidth: 2_665_358.2,
          averageBandwidth: 2_626_204.9,
          width: 1280,
          height: 720,
          frameRate: 29.97,
          codecs: 'avc1.64001f,mp4a.40.2',
        },
      ],
      audio: [{ uri: 'audio/index.m3u8', groupId: 'audio', name: 'Audio', channels: 2 }],
    });
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=2665359,AVERAGE-BANDWIDTH=2626205,RESOLUTION=1280x720,FRAME-RATE=29.970,CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio"',
        '720p/index.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('writes no AUDIO attribute for video without audio', () => {
    const text = renderMasterPlaylist({
      variants: [
        {
          uri: '360p/index.m3u8',
          bandwidth: 1,
          averageBandwidth: 1,
          width: 640,
          height: 360,
          frameRate: 30,
          codecs: 'avc1.64001e',
        },
      ],
      audio: null,
    });
    expect(text).not.toContain('AUDIO');
    expect(text).toContain('CODECS="avc1.64001e"');
  });

  it('lists an audio-only ladder as one variant', () => {
    const text = renderMasterPlaylist({
      audioOnly: {
        uri: 'audio/index.m3u8',
        bandwidth: 130_000,
        averageBandwidth: 129_000,
        codecs: 'mp4a.40.2',
      },
    });
    expect(text).toContain(
      '#EXT-X-STREAM-INF:BANDWIDTH=130000,AVERAGE-BANDWIDTH=129000,CODECS="mp4a.40.2"\naudio/index.m3u8\n',
    );
    expect(text).not.toContain('RESOLUTION');
  });

  it('declares version 3 for an MPEG-TS variant and leaves out an unknown frame rate', () => {
    const text = renderMasterPlaylist(
      {
        variants: [
          {
            uri: 'index.m3u8',
            bandwidth: 900_000,
            averageBandwidth: 600_000,
            width: 640,
            height: 360,
            frameRate: null,
            codecs: 'avc1.64001e,mp4a.40.2',
          },
        ],
        audio: null,
      },
      3,
    );
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=600000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"',
        'index.m3u8',
        '',
      ].join('\n'),
    );
  });
});
