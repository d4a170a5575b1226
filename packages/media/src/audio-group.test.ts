import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AUDIO_RENDITIONS, planAudioGroup } from './audio-group-plan.js';
import { probeMedia } from './ffprobe-probe.js';
import { parseVariantPlaylist } from './hls-playlist-parse.js';
import { buildLadderArgs } from './ladder-args.js';
import { DEFAULT_LADDER_OPTIONS, planLadder } from './ladder-plan.js';
import type { AudioTrackInfo } from './media-info.js';
import { generateTrackedClip } from './samples/tracked-clip-generate.js';
import { transcodeVodHls } from './transcode-vod-hls.js';
import { AUDIO, media, video } from '../test-support/media-info-fixtures.js';
import { FFMPEG, FFPROBE } from '../test-support/media-test-kit.js';

// Every audio stream of a lecture (its languages, its audio description) as a rendition of the ladder's audio group:
// planned from the source's tags, encoded in the same FFmpeg run, listed in the master playlist as RFC 8216 says.

const track = (index: number, over: Partial<AudioTrackInfo> = {}): AudioTrackInfo => ({
  ...AUDIO,
  index,
  language: null,
  title: null,
  default: false,
  description: false,
  ...over,
});

describe('the audio group plan', () => {
  it('names each stream from its title or language, marks the default and the description', () => {
    const info = {
      ...media(video(), { ...AUDIO, index: 1 }),
      audioTracks: [
        track(1, { language: 'en', default: true }),
        track(2, { language: 'fr', title: 'Français' }),
        track(3, { language: 'en', description: true }),
        track(4, { language: 'en' }),
      ],
    };
    expect(planAudioGroup(info)).toEqual([
      { name: 'audio', sourceIndex: 1, language: 'en', label: 'English', default: true, description: false },
      {
        name: 'audio_1',
        sourceIndex: 2,
        language: 'fr',
        label: 'Français',
        default: false,
        description: false,
      },
      {
        name: 'audio_2',
        sourceIndex: 3,
        language: 'en',
        label: 'English (described)',
        default: false,
        description: true,
      },
      // Two streams would have the same name: the second is numbered.
      {
        name: 'audio_3',
        sourceIndex: 4,
        language: 'en',
        label: 'English 2',
        default: false,
        description: false,
      },
    ]);
  });

  it('prefers the default stream that is not a description, keeps the first stream first, and caps the group', () => {
    const many = Array.from({ length: 12 }, (_, i) => track(i + 1, { default: i === 5 }));
    const plan = planAudioGroup({ ...media(video(), { ...AUDIO, index: 1 }), audioTracks: many });
    expect(plan).toHaveLength(MAX_AUDIO_RENDITIONS);
    expect(plan[0]!.sourceIndex).toBe(1);
    expect(plan.filter((r) => r.default).map((r) => r.sourceIndex)).toEqual([6]);
    expect(plan.map((r) => r.label)).toContain('Audio 8');
    // A probe from before every stream was listed: its one stream.
    expect(planAudioGroup({ ...media(video()), audioTracks: [] })).toEqual([
      { name: 'audio', sourceIndex: 1, language: null, label: 'Audio', default: true, description: false },
    ]);
    expect(planAudioGroup(media(video(), null))).toEqual([]);
  });

  it('maps each stream into the one FFmpeg run, each with its own encoder settings', () => {
    const info = {
      ...media(video()),
      audioTracks: [track(1, { language: 'en' }), track(2, { language: 'fr' })],
    };
    const plan = planLadder(info, { ...DEFAULT_LADDER_OPTIONS, heights: [360] });
    const args = buildLadderArgs('/in.mp4', '/out', plan);
    const joined = args.join(' ');
    expect(joined).toContain('-map 0:1 -map 0:2');
    expect(joined).toContain('-c:a:1 aac');
    expect(args[args.indexOf('-var_stream_map') + 1]).toBe(
      'v:0,agroup:audio,name:360p a:0,agroup:audio,name:audio a:1,agroup:audio,name:audio_1',
    );
  });
});

describe('a lecture with two languages and an audio description, transcoded', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cc-audio-group-'));
    HLS.setOptions({ strictMode: true, silent: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('publishes one audio rendition per stream, each aligned with the video and listed with its language', async () => {
    const input = path.join(dir, 'lecture.mkv');
    await generateTrackedClip({
      ffmpegPath: FFMPEG,
      out: input,
      seconds: 4,
      width: 320,
      height: 180,
      fps: 25,
      audio: [
        { language: 'eng', frequency: 440 },
        { language: 'fre', frequency: 660, title: 'Français' },
        { language: 'eng', frequency: 880, title: 'English (audio description)', visualImpaired: true },
      ],
      subtitles: [],
    });
    const info = await probeMedia(input, { ffprobePath: FFPROBE });
    expect(info.audioTracks.map((t) => [t.language, t.description])).toEqual([
      ['en', false],
      ['fr', false],
      ['en', true],
    ]);
    const plan = planLadder(info, { ...DEFAULT_LADDER_OPTIONS, heights: [180], segmentSeconds: 2 });
    const outDir = path.join(dir, 'out');
    const result = await transcodeVodHls({
      input,
      outDir,
      plan,
      durationSeconds: info.durationSeconds,
      ffmpegPath: FFMPEG,
      timeoutMs: 60_000,
    });
    expect(result.rungs.map((r) => r.name)).toEqual(['180p']);
    const master = HLS.parse(
      await readFile(path.join(outDir, 'master.m3u8'), 'utf8'),
    ) as HLS.types.MasterPlaylist;
    const audio = master.variants[0]!.audio;
    expect(audio.map((a) => [a.name, a.language, a.isDefault, a.characteristics ?? null, a.uri])).toEqual([
      ['English', 'en', true, null, 'audio/index.m3u8'],
      ['Français', 'fr', false, null, 'audio_1/index.m3u8'],
      [
        'English (audio description)',
        'en',
        false,
        'public.accessibility.describes-video',
        'audio_2/index.m3u8',
      ],
    ]);
    const videoDurations = parseVariantPlaylist(
      await readFile(path.join(outDir, '180p', 'index.m3u8'), 'utf8'),
    ).segments.length;
    for (const name of ['audio', 'audio_1', 'audio_2']) {
      const playlist = parseVariantPlaylist(await readFile(path.join(outDir, name, 'index.m3u8'), 'utf8'));
      expect([name, playlist.ended, playlist.segments.length]).toEqual([name, true, videoDurations]);
      expect(await readdir(path.join(outDir, name))).toContain('init.mp4');
    }
    // BANDWIDTH counts the audio rendition that needs the most.
    expect(master.variants[0]!.bandwidth).toBeGreaterThanOrEqual(
      result.rungs[0]!.peakBitrate + result.audio!.peakBitrate,
    );
  }, 60_000);
});
