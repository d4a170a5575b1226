import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../ffprobe-probe.js';
import { runOwnedProcess } from '../owned-process.js';
import { generateTestClip } from '../samples/test-clip-generate.js';
import { FFMPEG, FFPROBE, rejection } from '../../test-support/media-test-kit.js';
import { extractCaptions } from './caption-extract.js';
import { normalizeCaptions } from './caption-normalize.js';

let dir = '';
let mkv = '';
let mp4 = '';
const SRT_FR =
  '1\n00:00:00,500 --> 00:00:01,500\nBonjour à tous\n\n2\n00:00:02,000 --> 00:00:03,000\nL’échantillonnage\n';
const SRT_EN = '1\n00:00:01,000 --> 00:00:02,000\n[door slams] Welcome\n';

/** Each cue's start and end in seconds, from `mm:ss.ttt --> mm:ss.ttt` lines. */
function cueTimes(vtt: string): [number, number][] {
  const secs = (t: string): number => t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  return [...vtt.matchAll(/^([\d:.]+) --> ([\d:.]+)/gm)].map((m) => [secs(m[1]!), secs(m[2]!)]);
}

async function ffmpeg(args: string[]): Promise<void> {
  const r = await runOwnedProcess({
    command: FFMPEG,
    args: ['-v', 'error', '-y', ...args],
    timeoutMs: 30_000,
  });
  if (r.exitCode !== 0) throw new Error(`ffmpeg failed: ${r.stderr.text()}`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-captions-'));
  const clip = path.join(dir, 'clip.mp4');
  await generateTestClip({
    ffmpegPath: FFMPEG,
    out: clip,
    seconds: 4,
    width: 320,
    height: 180,
    fps: 25,
    gopSeconds: 2,
  });
  await writeFile(path.join(dir, 'fr.srt'), SRT_FR);
  await writeFile(path.join(dir, 'en.srt'), SRT_EN);
  mkv = path.join(dir, 'lecture.mkv');
  // An MKV with two SubRip tracks: French (forced, titled) and English SDH.
  await ffmpeg([
    '-i',
    clip,
    '-i',
    path.join(dir, 'fr.srt'),
    '-i',
    path.join(dir, 'en.srt'),
    '-map',
    '0',
    '-map',
    '1',
    '-map',
    '2',
    '-c:v',
    'copy',
    '-c:a',
    'copy',
    '-c:s',
    'srt',
    '-metadata:s:s:0',
    'language=fre',
    '-metadata:s:s:0',
    'title=Français',
    '-disposition:s:0',
    'forced',
    '-metadata:s:s:1',
    'language=eng',
    '-disposition:s:1',
    'hearing_impaired',
    mkv,
  ]);
  mp4 = path.join(dir, 'lecture-tx3g.mp4');
  // An MP4 with a mov_text (tx3g) track, as phones and editors write them.
  await ffmpeg([
    '-i',
    clip,
    '-i',
    path.join(dir, 'en.srt'),
    '-map',
    '0',
    '-map',
    '1',
    '-c:v',
    'copy',
    '-c:a',
    'copy',
    '-c:s',
    'mov_text',
    '-metadata:s:s:0',
    'language=eng',
    mp4,
  ]);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('captions carried in the source', () => {
  it('are found by the probe with language, title, forced and SDH', async () => {
    const info = await probeMedia(mkv, { ffprobePath: FFPROBE });
    expect(info.subtitles).toEqual([
      {
        index: 2,
        codec: 'subrip',
        language: 'fr',
        title: 'Français',
        forced: true,
        hearingImpaired: false,
        text: true,
      },
      {
        index: 3,
        codec: 'subrip',
        language: 'en',
        title: null,
        forced: false,
        hearingImpaired: true,
        text: true,
      },
    ]);
    const tx3g = await probeMedia(mp4, { ffprobePath: FFPROBE });
    expect(tx3g.subtitles).toEqual([
      expect.objectContaining({ codec: 'mov_text', language: 'en', text: true }),
    ]);
  });

  it('are read out as WebVTT that passes the upload checks, cue for cue', async () => {
    const options = { ffmpegPath: FFMPEG, timeoutMs: 20_000, maxChars: 1_000_000 };
    const fr = normalizeCaptions(await extractCaptions({ ...options, file: mkv, streamIndex: 2 }), {
      durationSeconds: 4,
      maxBytes: 1_000_000,
    });
    // Times as the container stores them: FFmpeg's mux above shifted them by the video's start (about 20 ms).
    expect(fr.cueCount).toBe(2);
    expect(cueTimes(fr.vtt)).toEqual([
      [expect.closeTo(0.5, 1), expect.closeTo(1.5, 1)],
      [expect.closeTo(2, 1), expect.closeTo(3, 1)],
    ]);
    expect(fr.vtt).toMatch(/\nBonjour à tous\n/);
    expect(fr.vtt).toMatch(/\nL’échantillonnage\n/);
    const en = normalizeCaptions(await extractCaptions({ ...options, file: mp4, streamIndex: 2 }), {
      durationSeconds: 4,
      maxBytes: 1_000_000,
    });
    expect(cueTimes(en.vtt)).toEqual([[expect.closeTo(1, 1), expect.closeTo(2, 1)]]);
    expect(en.vtt).toMatch(/\n\[door slams\] Welcome\n/);
  });

  it('reads CEA-608 closed captions out of a QuickTime caption track (c608), as broadcast captures carry them', async () => {
    // A Scenarist SCC file (CEA-608 byte pairs: resume caption loading, erase, a row, "Hello", end of caption), muxed
    // by FFmpeg as the MOV's closed-caption track: FFmpeg's EIA-608 decoder is what turns it into text.
    const scc = path.join(dir, 'hello.scc');
    await writeFile(
      scc,
      'Scenarist_SCC V1.0\n\n00:00:00;15\t9420 9420 94ae 94ae 9452 9452 97a1 97a1 c8e5 ecec ef80 942c 942c 942f 942f\n\n' +
        '00:00:02;00\t942c 942c\n\n',
    );
    const mov = path.join(dir, 'lecture-608.mov');
    await ffmpeg(['-i', path.join(dir, 'clip.mp4'), '-i', scc, '-map', '0', '-map', '1', '-c', 'copy', mov]);
    const info = await probeMedia(mov, { ffprobePath: FFPROBE });
    const cc = info.subtitles.find((s) => s.codec === 'eia_608');
    expect(cc).toMatchObject({ codec: 'eia_608', text: true });
    const options = { ffmpegPath: FFMPEG, timeoutMs: 20_000, maxChars: 1_000_000 };
    const vtt = normalizeCaptions(await extractCaptions({ ...options, file: mov, streamIndex: cc!.index }), {
      durationSeconds: 4,
      maxBytes: 1_000_000,
    });
    expect(vtt.cueCount).toBe(1);
    expect(vtt.vtt).toMatch(/\nHello\n/);
    expect(cueTimes(vtt.vtt)[0]![0]).toBeCloseTo(0.5, 1);
  });

  it('fails clearly for a stream that is no subtitle stream, and for output over the limit', async () => {
    const options = { ffmpegPath: FFMPEG, timeoutMs: 20_000, file: mkv };
    const notSubs = await rejection(extractCaptions({ ...options, streamIndex: 0, maxChars: 1_000_000 }));
    expect(notSubs.message).toMatch(/ffmpeg/);
    const tiny = await rejection(extractCaptions({ ...options, streamIndex: 2, maxChars: 10 }));
    expect(tiny.message).toMatch(/wrote more than 10 characters/);
  });
});
