import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from './ffprobe-probe.js';
import { DEFAULT_LADDER_OPTIONS, planLadder, type LadderPlan } from './ladder-plan.js';
import type { MediaInfo } from './media-info.js';
import {
  LOOKALIKE_AUDIO_OFFSETS,
  generateLookalikeClip,
  LOOKALIKE_KINDS,
  lookalikeExtension,
  type LookalikeKind,
} from './samples/lookalike-clip-generate.js';
import type { TranscodeResult } from './transcode-types.js';
import { transcodeVodHls } from './transcode-vod-hls.js';
import { FFMPEG, FFPROBE } from '../test-support/media-test-kit.js';
import {
  allowedKeyframes,
  audioLevels,
  contentSpan,
  displayedSize,
  endOf,
  keyframeCount,
  primingSeconds,
  probePackets,
  probeRendition,
  probeSourceSpans,
  probeStreams,
  rational,
  rotationOf,
  ssimAgainstSource,
  type ProbedRendition,
  type ProbedStream,
  type Span,
} from '../test-support/rung-checks.js';

// Sources that look like instructors' uploads (issue 16, point 2), through the real pipeline, every
// rung read back with ffprobe the way a player reads it (init + segments). Small rungs and 2 s
// segments keep the file fast; the sources keep their real size, codec and timing.

const HEIGHTS = [360, 240];
const SEGMENT_SECONDS = 2;
/** Generating 4K HEVC and transcoding it takes ~20 s alone; a busy machine doubles that. */
const PREPARE_MS = 180_000;

/** A source and what the pipeline made of it, read back. */
interface Transcoded {
  source: string;
  info: MediaInfo;
  sourceStreams: ProbedStream[];
  /** The source's stream spans, its earliest stream starting at 0 (as FFmpeg shifts it). */
  sourceSpans: { video: Span | null; audio: Span | null };
  plan: LadderPlan;
  result: TranscodeResult;
  /** Video rungs in ladder order. */
  video: ProbedRendition[];
  audio: ProbedRendition | null;
  /** One source frame (audio-only: one audio frame): the tolerance of every timing check. */
  frame: number;
}

let dir = '';
const prepared = new Map<LookalikeKind, Promise<Transcoded>>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cc-lookalike-'));
});
afterAll(async () => {
  await Promise.allSettled(prepared.values());
  await rm(dir, { recursive: true, force: true });
});

/** One frame of the source: 1/fps of its video, or the longer of its and our audio frames. */
async function frameTolerance(source: string, streams: ProbedStream[]): Promise<number> {
  const video = streams.find((s) => s.codec_type === 'video');
  if (video) return 1 / rational(video.r_frame_rate);
  const [first] = await probePackets(source, 'a:0');
  return Math.max(first?.duration ?? 0, 1024 / 48_000);
}

async function prepare(kind: LookalikeKind): Promise<Transcoded> {
  const source = path.join(dir, `${kind}${lookalikeExtension(kind)}`);
  await generateLookalikeClip({ ffmpegPath: FFMPEG, ffprobePath: FFPROBE, kind, out: source });
  const info = await probeMedia(source, { ffprobePath: FFPROBE });
  const plan = planLadder(info, {
    ...DEFAULT_LADDER_OPTIONS,
    heights: HEIGHTS,
    segmentSeconds: SEGMENT_SECONDS,
  });
  const outDir = path.join(dir, `${kind}-out`);
  const result = await transcodeVodHls({
    input: source,
    outDir,
    plan,
    durationSeconds: info.durationSeconds,
    ffmpegPath: FFMPEG,
    timeoutMs: PREPARE_MS,
  });
  const hasVideo = plan.rungs.length > 0;
  const video = hasVideo ? await Promise.all(plan.rungs.map((r) => probeRendition(outDir, r.name))) : [];
  const audio = plan.audio ? await probeRendition(outDir, 'audio') : null;
  const sourceStreams = await probeStreams(source);
  return {
    source,
    info,
    sourceStreams,
    sourceSpans: await probeSourceSpans(source),
    plan,
    result,
    video,
    audio,
    frame: await frameTolerance(source, sourceStreams),
  };
}

/** Generates, plans and transcodes a kind once for all the tests that look at it. */
function transcoded(kind: LookalikeKind): Promise<Transcoded> {
  let p = prepared.get(kind);
  if (!p) {
    p = prepare(kind);
    prepared.set(kind, p);
  }
  return p;
}

const r3 = (n: number): number => Math.round(n * 1000) / 1000;

/** `actual` within `tolerance` of `expected`, the message naming what and the measured values. */
function expectNear(actual: number, expected: number, tolerance: number, what: string): void {
  const message = `${what}: ${r3(actual)} s, expected ${r3(expected)} ± ${r3(tolerance)} s`;
  expect(Math.abs(actual - expected), message).toBeLessThanOrEqual(tolerance + 1e-6);
}

/** Every rendition's content span, relative to the earliest (FFmpeg shifts the whole output by its B-frame delay). */
function relativeSpans(t: Transcoded): { name: string; span: Span }[] {
  const all = [...t.video, ...(t.audio ? [t.audio] : [])].map((r) => ({
    name: r.name,
    span: contentSpan(r),
  }));
  const origin = Math.min(...all.map((r) => r.span.start));
  return all.map((r) => ({ name: r.name, span: { start: r.span.start - origin, end: r.span.end - origin } }));
}

/** What every rendition must span: from the source's first stream start to its last stream end. */
function sourceSpan(t: Transcoded): Span {
  const spans = [t.sourceSpans.video, t.sourceSpans.audio].filter((s): s is Span => s !== null);
  return { start: Math.min(...spans.map((s) => s.start)), end: Math.max(...spans.map((s) => s.end)) };
}

// Every look-alike with a picture: the audio-only lectures are checked on their own below.
const VIDEO_KINDS = LOOKALIKE_KINDS.filter((k) => !k.startsWith('audio-only'));

describe.each(VIDEO_KINDS)('%s look-alike through the ladder', (kind) => {
  let t: Transcoded;
  beforeAll(async () => {
    t = await transcoded(kind);
  }, PREPARE_MS);

  it('starts every segment of every rung with a keyframe on the segment grid, no extra keyframe inside', () => {
    const { plan } = t;
    expect(t.video.map((r) => r.name)).toEqual(plan.rungs.map((r) => r.name));
    for (const rung of t.video) {
      expect(rung.segments.length, `${rung.name} segments`).toBeGreaterThanOrEqual(2);
      const start = Math.min(...rung.packets.map((p) => p.pts));
      rung.segments.forEach((seg, i) => {
        const where = `${rung.name} ${seg.uri}`;
        expect(seg.packets[0]?.keyframe, `${where}: first packet is a keyframe`).toBe(true);
        const allowed = allowedKeyframes(seg, plan.gopFrames);
        expect(keyframeCount(seg), `${where}: keyframes (gop ${plan.gopFrames})`).toBeLessThanOrEqual(
          allowed,
        );
        const segStart = Math.min(...seg.packets.map((p) => p.pts)) - start;
        expectNear(segStart, i * plan.segmentSeconds, t.frame, `${where} starts`);
        if (i < rung.segments.length - 1)
          expectNear(seg.duration, plan.segmentSeconds, t.frame, `${where} EXTINF`);
      });
    }
    // Aligned rungs: a player switches at any boundary.
    const extinfs = t.video.map((r) => r.segments.map((s) => s.duration));
    for (const other of extinfs.slice(1)) expect(other).toEqual(extinfs[0]);
  });

  it('starts and ends video and audio together, where the source starts and ends', () => {
    const expected = sourceSpan(t);
    const spans = relativeSpans(t);
    expect(spans.map((s) => s.name)).toContain('audio');
    for (const { name, span } of spans) {
      expectNear(span.start, expected.start, t.frame, `${name} starts`);
      expectNear(span.end, expected.end, t.frame, `${name} ends`);
    }
  });

  it('lasts as long as the source, in its packets and in its playlist', () => {
    const expected = sourceSpan(t);
    const seconds = expected.end - expected.start;
    for (const r of [...t.video, t.audio!]) {
      const span = contentSpan(r);
      expectNear(span.end - span.start, seconds, t.frame, `${r.name} media duration`);
      // The playlist lists what a player plays, the AAC priming included.
      const extinf = r.segments.reduce((sum, s) => sum + s.duration, 0) - primingSeconds(r);
      expectNear(extinf, seconds, t.frame, `${r.name} EXTINF total, less AAC priming`);
    }
  });
});

describe('camera look-alike (1080p29.97 H.264 High, B-frames, grain)', () => {
  it('keeps its NTSC rate in every rung', async () => {
    const t = await transcoded('camera');
    expect(t.plan.frameRate).toBe(29.97);
    for (const r of t.video) expect(r.stream.r_frame_rate, r.name).toBe('30000/1001');
  });
});

describe('phone look-alike (4K HEVC, rotated 90°)', () => {
  it('has upright, portrait rungs: turned pixels, no display matrix left', async () => {
    const t = await transcoded('phone');
    const source = t.sourceStreams.find((s) => s.codec_type === 'video')!;
    expect([source.width, source.height, Math.abs(rotationOf(source))]).toEqual([3840, 2160, 90]);
    for (const r of t.video) {
      expect(rotationOf(r.stream), `${r.name} rotation`).toBe(0);
      expect(r.stream.height!, `${r.name} height > width`).toBeGreaterThan(r.stream.width!);
      const planned = t.plan.rungs.find((p) => p.name === r.name)!;
      expect([r.stream.width, r.stream.height]).toEqual([planned.width, planned.height]);
    }
    // The picture itself is upright: it matches the source as FFmpeg displays it (display matrix applied).
    const top = t.video[0]!;
    const ssim = await ssimAgainstSource(top, t.source, `scale=${top.stream.width}:${top.stream.height}`);
    expect(ssim, 'SSIM against the upright source').toBeGreaterThan(0.9);
  });

  it('never upscales: no rung larger than the displayed source, even when the ladder offers more', async () => {
    const t = await transcoded('phone');
    const shown = displayedSize(t.sourceStreams.find((s) => s.codec_type === 'video')!);
    expect(shown).toEqual({ width: 2160, height: 3840 });
    for (const r of t.video) {
      expect(r.stream.width!).toBeLessThanOrEqual(shown.width);
      expect(r.stream.height!).toBeLessThanOrEqual(shown.height);
    }
    const tall = planLadder(t.info, { ...DEFAULT_LADDER_OPTIONS, heights: [4320, 2880, 2160, 1080] });
    expect(tall.rungs.map((r) => [r.width, r.height])).toEqual([
      [2160, 3840],
      [1080, 1920],
    ]);
  });
});

describe('ten-bit look-alike (HEVC Main 10)', () => {
  it('has 8-bit 4:2:0 H.264 High rungs, which every browser decodes', async () => {
    const t = await transcoded('ten-bit');
    expect(t.sourceStreams.find((s) => s.codec_type === 'video')?.pix_fmt).toBe('yuv420p10le');
    for (const r of t.video) {
      expect([r.stream.codec_name, r.stream.profile, r.stream.pix_fmt], r.name).toEqual([
        'h264',
        'High',
        'yuv420p',
      ]);
    }
    for (const r of t.result.rungs) expect(r.codecs, r.name).toMatch(/^avc1\.6400[0-9a-f]{2},mp4a\.40\.2$/);
  });
});

describe('interlaced look-alike (1080i50 camcorder, MPEG-TS)', () => {
  it('is deinterlaced: progressive rungs whose pictures match the deinterlaced source, not the woven one', async () => {
    const t = await transcoded('interlaced');
    expect(t.sourceStreams.find((s) => s.codec_type === 'video')?.field_order).toBe('tt');
    expect(t.plan.deinterlace).toBe(true);
    for (const r of t.video)
      expect(['progressive', 'unknown', undefined], r.name).toContain(r.stream.field_order);
    // field_order alone would say progressive for woven fields too: compare the pictures.
    const top = t.video[0]!;
    const size = `scale=${top.stream.width}:${top.stream.height}`;
    const deinterlaced = await ssimAgainstSource(top, t.source, `yadif,${size}`);
    const woven = await ssimAgainstSource(top, t.source, size);
    expect(deinterlaced, `SSIM deinterlaced ${deinterlaced} vs woven ${woven}`).toBeGreaterThan(woven + 0.02);
  });
});

describe('zoom-audio look-alike (mono 32 kHz AAC)', () => {
  it('has the audio rendition the plan promises: AAC-LC at its channels and rate', async () => {
    const t = await transcoded('zoom-audio');
    const source = t.sourceStreams.find((s) => s.codec_type === 'audio')!;
    expect([source.channels, source.sample_rate]).toEqual([1, '32000']);
    const planned = t.plan.audio!;
    const a = t.audio!.stream;
    expect([a.codec_name, a.profile, a.channels, rational(a.sample_rate)]).toEqual([
      'aac',
      'LC',
      planned.channels,
      planned.sampleRate,
    ]);
    expect(t.result.audio?.codecs).toBe('mp4a.40.2');
  });
});

describe('audio that starts late or ends early', () => {
  it('late audio is padded with silence from the video start, and the sound stays where it was', async () => {
    const t = await transcoded('late-audio');
    const late = LOOKALIKE_AUDIO_OFFSETS.lateStartSeconds;
    expect(t.sourceSpans.audio!.start).toBeGreaterThan(late - 0.05);
    const silent = await audioLevels(t.audio!, 0, late - 0.1);
    expect(silent.peak, 'peak before the source audio starts (dBFS)').toBeLessThan(-60);
    const sound = await audioLevels(t.audio!, late + 0.1, late + 1);
    expect(sound.mean, 'mean level once it has started (dBFS)').toBeGreaterThan(-30);
  });

  it('early-ending audio is padded with silence to the end of the video', async () => {
    const t = await transcoded('early-end-audio');
    const a = contentSpan(t.audio!);
    const v = contentSpan(t.video[0]!);
    expectNear(a.end - a.start, v.end - v.start, t.frame, 'audio rendition length against video');
  });
});

describe('screen look-alike (VFR: slides with bursts of motion)', () => {
  it('encodes no more frames than the source has (≤ 1.05 per source frame)', async () => {
    const t = await transcoded('screen');
    const sourceFrames = (await probePackets(t.source, 'v:0')).length;
    const top = t.video[0]!;
    const ratio = top.packets.length / sourceFrames;
    expect(
      ratio,
      `${top.packets.length} frames encoded for ${sourceFrames} source frames`,
    ).toBeLessThanOrEqual(1.05);
  });

  it('keeps its last frame on screen to the end of the recording', async () => {
    const t = await transcoded('screen');
    const sourceVideo = t.sourceSpans.video!;
    // The source's last frame lasts from its pts to the end of the recording (a held slide).
    const sourceLast = (await probePackets(t.source, 'v:0')).at(-1)!;
    for (const r of t.video) {
      const span = contentSpan(r);
      expectNear(
        span.end - span.start,
        sourceVideo.end - sourceVideo.start,
        t.frame,
        `${r.name} video length`,
      );
      const lastPts = Math.max(...r.packets.map((p) => p.pts));
      expectNear(endOf(r) - lastPts, sourceLast.duration, t.frame, `${r.name} last frame's duration`);
    }
  });
});

describe.each(['audio-only-mp3', 'audio-only-m4a'] as const)('%s look-alike', (kind) => {
  it('becomes one audio rendition, as long as the source', async () => {
    const t = await transcoded(kind);
    expect(t.result.rungs.map((r) => [r.name, r.codecs])).toEqual([['audio', 'mp4a.40.2']]);
    expect(t.video).toEqual([]);
    const master = await readFile(path.join(t.result.outDir, 'master.m3u8'), 'utf8');
    expect(master).not.toContain('RESOLUTION');
    expect(master.match(/#EXT-X-STREAM-INF/g)).toHaveLength(1);
    const source = t.sourceSpans.audio!;
    const span = contentSpan(t.audio!);
    expectNear(span.end - span.start, source.end - source.start, t.frame, 'audio media duration');
    const extinf = t.audio!.segments.reduce((sum, s) => sum + s.duration, 0) - primingSeconds(t.audio!);
    expectNear(extinf, source.end - source.start, t.frame, 'audio EXTINF total, less AAC priming');
    expect([
      t.audio!.stream.codec_name,
      t.audio!.stream.channels,
      rational(t.audio!.stream.sample_rate),
    ]).toEqual(['aac', t.plan.audio!.channels, t.plan.audio!.sampleRate]);
  });
});
