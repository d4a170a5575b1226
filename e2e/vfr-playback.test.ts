// A variable-frame-rate screen recording, end to end in headless Chromium: generated at test time (1080p, a
// frame only when the screen changes, the last one held to the end), uploaded, transcoded by the real ladder
// (whose timing repair, ADR 0009, rewrites each fMP4 segment from the source's frame times), then played on
// the watch page. Without the repair each segment's last frame is cut to 1/30 s and the video ends up to a
// second before the audio; `video.buffered` cannot show that (once the stream has ended, MSE stretches
// every track's last range to the longest one), so the test reads each SourceBuffer itself, through
// MediaSource.addSourceBuffer wrapped before the page's scripts run. Figures land in the test output and
// e2e/artifacts/vfr-playback.json.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateLookalikeClip } from '@coursecast/media/samples';
import { ATTR_CONTENT_QUALITY, ATTR_CONTENT_RETIME_SKIPPED } from '@coursecast/semconv';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, uploadLecture } from '../apps/server/test-support/api-calls.js';
import { FFMPEG, FFPROBE } from '../apps/server/test-support/media-fixtures.js';
import { startTestServer, type TestServer } from '../apps/server/test-support/test-server.js';
import { waitForJob } from '../apps/server/test-support/wait.js';
import { launchChromium } from './support/chromium.js';
import { openWatch, type PlayheadTruth } from './support/watch-session.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
/** Short segments: an 11 s source gets five segment boundaries for the repair to get right. */
const SEGMENT_SECONDS = 2;
const SOURCE_SECONDS = 11;
/** Fast enough to keep the test short; at most 4, above which Chromium stops rendering audio. */
const PLAYBACK_RATE = 3;

type Ranges = [number, number][];

/** The buffers at one moment, read in the page. */
interface BufferSnapshot {
  at: string;
  mediaSourceState: string | null;
  currentTime: number;
  videoDuration: number;
  /** What the <video> element reports: the intersection of the tracks, stretched at end of stream. */
  element: Ranges;
  /** Every SourceBuffer of the current MediaSource, in creation order; ranges null once it is removed. */
  sourceBuffers: { mime: string; ranges: Ranges | null }[];
}

/** What the init script records (`window.vfrProbe`); times are page-clock ms. */
interface VfrProbe {
  firstPlayingAt: number | null;
  /** currentTime at each `waiting` after the first `playing`: each one is a stall. */
  waitingAfterPlaying: number[];
  endedAt: number | null;
  hlsErrors: string[];
  /** Taken at every `sourceended` (hls.js has appended the last segment of every track). */
  snapshots: BufferSnapshot[];
  snapshot(at: string): BufferSnapshot;
}

// The page's objects, typed by the parts used: the e2e code compiles without the DOM library.
interface TimeRangesLike {
  length: number;
  start(i: number): number;
  end(i: number): number;
}
interface SourceBufferLike {
  buffered: TimeRangesLike;
}
interface MediaSourceLike {
  readyState: string;
  addEventListener(type: string, listener: () => void): void;
}
interface VideoLike {
  currentTime: number;
  duration: number;
  ended: boolean;
  buffered: TimeRangesLike;
  playbackRate: number;
  defaultPlaybackRate: number;
}
interface PageGlobals {
  document: {
    querySelector(selector: 'video'): VideoLike | null;
    addEventListener(type: string, listener: (e: { target: unknown }) => void, capture: boolean): void;
  };
  MediaSource: { prototype: { addSourceBuffer(this: MediaSourceLike, mime: string): SourceBufferLike } };
  vfrProbe: VfrProbe;
}

/**
 * The parts of hls.js read here. `bufferController` and its `tracks` (each with its SourceBuffer) are private in
 * hls.js's types but plain fields at run time; its public `sourceBufferTracks` leaves the buffers out.
 */
interface PageHls {
  on(
    event: string,
    listener: (event: string, data: { type: string; details: string; fatal: boolean }) => void,
  ): void;
  levels: { height?: number; details?: { totalduration: number; fragments: { duration: number }[] } }[];
  audioTracks: { details?: { totalduration: number } }[];
  bufferController?: { tracks?: Record<string, { buffer?: SourceBufferLike } | undefined> };
}

interface PageWindow {
  vfrProbe: VfrProbe;
  coursecastWatch: { video: VideoLike; hls: PageHls | null; plan: { mode: string } | null };
}

/**
 * Runs in the page before its scripts (serialized by playwright, so it uses nothing from this module):
 * keeps every SourceBuffer with its MIME type, so each track's ranges can be read on their own, and
 * listens to the media events in the capture phase (they do not bubble), before the <video> exists.
 */
function installVfrProbe(): void {
  const page = globalThis as unknown as PageGlobals;
  const sourceBuffers: { mime: string; sb: SourceBufferLike }[] = [];
  let mediaSource: MediaSourceLike | null = null;
  const ranges = (r: TimeRangesLike): Ranges =>
    Array.from({ length: r.length }, (_, i) => [r.start(i), r.end(i)]);
  const probe: VfrProbe = {
    firstPlayingAt: null,
    waitingAfterPlaying: [],
    endedAt: null,
    hlsErrors: [],
    snapshots: [],
    snapshot(at) {
      const video = page.document.querySelector('video');
      return {
        at,
        mediaSourceState: mediaSource?.readyState ?? null,
        currentTime: video?.currentTime ?? Number.NaN,
        videoDuration: video?.duration ?? Number.NaN,
        element: video ? ranges(video.buffered) : [],
        sourceBuffers: sourceBuffers.map(({ mime, sb }) => {
          try {
            return { mime, ranges: ranges(sb.buffered) };
          } catch {
            // Reading a SourceBuffer removed from its MediaSource throws.
            return { mime, ranges: null };
          }
        }),
      };
    },
  };
  const track = (ms: MediaSourceLike, mime: string, sb: SourceBufferLike) => {
    if (mediaSource !== ms) {
      // A new MediaSource (hls.js attaching again) replaces the old one's buffers.
      mediaSource = ms;
      sourceBuffers.length = 0;
      ms.addEventListener('sourceended', () => probe.snapshots.push(probe.snapshot('sourceended')));
    }
    sourceBuffers.push({ mime, sb });
  };
  const proto = page.MediaSource.prototype;
  const addSourceBuffer = proto.addSourceBuffer;
  proto.addSourceBuffer = function (this: MediaSourceLike, mime: string): SourceBufferLike {
    const sb = addSourceBuffer.call(this, mime);
    track(this, mime, sb);
    return sb;
  };
  const on = (type: string, listener: (e: { target: unknown }) => void) =>
    page.document.addEventListener(type, listener, true);
  on('playing', () => (probe.firstPlayingAt ??= performance.now()));
  on('waiting', (e) => {
    if (probe.firstPlayingAt !== null) probe.waitingAfterPlaying.push((e.target as VideoLike).currentTime);
  });
  on('ended', () => (probe.endedAt = performance.now()));
  page.vfrProbe = probe;
}

/**
 * The browser, its new pages given the probe before anything else: openWatch takes no script of ours, and
 * adding one afterwards would need a second load of the page.
 */
function probing(b: Browser): Browser {
  return new Proxy(b, {
    get(target, prop, receiver) {
      if (prop !== 'newPage') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<Browser['newPage']>) => {
        const page = await target.newPage(...args);
        await page.addInitScript(installVfrProbe);
        return page;
      };
    },
  });
}

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The source's duration (its container's) and nominal frame rate, as ffprobe reads them. */
async function probeSource(file: string): Promise<{ duration: number; nominalFps: number; frames: number }> {
  const { stdout } = await execFileAsync(FFPROBE, [
    '-v', 'error', '-select_streams', 'v:0', '-count_packets',
    '-show_entries', 'format=duration:stream=r_frame_rate,nb_read_packets',
    '-of', 'json', `file:${file}`,
  ]); // prettier-ignore
  const json = JSON.parse(stdout) as {
    format: { duration: string };
    streams: { r_frame_rate: string; nb_read_packets: string }[];
  };
  const [num, den] = json.streams[0]!.r_frame_rate.split('/').map(Number);
  return {
    duration: Number(json.format.duration),
    nominalFps: num! / den!,
    frames: Number(json.streams[0]!.nb_read_packets),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const roundRanges = (r: Ranges | null) => r?.map(([a, b]) => [round(a), round(b)]) ?? null;

let t: TestServer;
let browser: Browser;
let workDir: string;
let base: string;
let courseId: string;
let itemId: string;
let source: Awaited<ReturnType<typeof probeSource>>;
/** Figures for the output and the artifacts folder. */
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  const t0 = Date.now();
  browser = await launchChromium();
  workDir = await mkdtemp(path.join(tmpdir(), 'cc-vfr-e2e-'));
  const clip = path.join(workDir, 'screen.mp4');
  await generateLookalikeClip({
    ffmpegPath: FFMPEG,
    ffprobePath: FFPROBE,
    kind: 'screen',
    out: clip,
    seconds: SOURCE_SECONDS,
  });
  source = await probeSource(clip);
  figures['source'] = { ...source, generateMs: Date.now() - t0 };

  // The test server's default ladder (360p, 240p, ultrafast) keeps the transcode short; both rungs are encoded,
  // so both go through the repair (the page plays whichever its ABR picks, 360p in practice).
  t = await startTestServer({ transcode: { segmentSeconds: SEGMENT_SECONDS } });
  base = await t.cc.listen();
  courseId = await createCourse(t, 'Screen recordings');
  const t1 = Date.now();
  const { item, job } = await uploadLecture(t, courseId, clip, 'Slides, recorded');
  itemId = item.id;
  expect((await waitForJob(t.cc.store, job.id)).state).toBe('succeeded');
  figures['transcodeMs'] = Date.now() - t1;
}, 60_000);

afterAll(async () => {
  console.log(`vfr playback figures: ${JSON.stringify(figures)}`);
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(path.join(ARTIFACTS, 'vfr-playback.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await browser?.close();
  await t?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('a variable-frame-rate screen recording (Chromium, watch page)', () => {
  it('plays to its end without a stall, its video buffered in one range to the source end', async () => {
    // Why a rung kept FFmpeg's timing, if one did: the job span says so (transcode-runner.ts).
    const kept = t.spans
      .getFinishedSpans()
      .flatMap((s) => s.events)
      .filter((e) => e.attributes?.[ATTR_CONTENT_RETIME_SKIPPED] !== undefined)
      .map(
        (e) =>
          `${String(e.attributes?.[ATTR_CONTENT_QUALITY])}: ${String(e.attributes?.[ATTR_CONTENT_RETIME_SKIPPED])}`,
      );
    figures['rungsKeepingEncoderTiming'] = kept;

    const w = await openWatch(probing(browser), base, courseId, itemId);
    let probe: Omit<VfrProbe, 'snapshot'>;
    let final: BufferSnapshot;
    let truth: PlayheadTruth;
    let hlsView: Record<string, unknown>;
    let wallMs: number;
    try {
      const mode = await w.page.evaluate(
        () => (globalThis as unknown as PageWindow).coursecastWatch.plan?.mode,
      );
      // The published ladder, not a just-in-time session (MPEG-TS, nothing repaired there).
      expect(mode, w.failures.join(' | ')).toBe('vod');
      await w.page.evaluate((rate) => {
        const { video, hls } = (globalThis as unknown as PageWindow).coursecastWatch;
        const probe = (globalThis as unknown as PageWindow).vfrProbe;
        hls?.on('hlsError', (_e, d) =>
          probe.hlsErrors.push(`${d.type}/${d.details}${d.fatal ? ' (fatal)' : ''}`),
        );
        // Both: a load (hls.js attaching a new source) resets playbackRate to the default.
        video.defaultPlaybackRate = rate;
        video.playbackRate = rate;
      }, PLAYBACK_RATE);

      const t0 = Date.now();
      await w.play();
      // Until `ended` (the element's own word that it got there); a playhead that never does is a failure the
      // checks below report, with the figures.
      const deadline = t0 + (SOURCE_SECONDS / PLAYBACK_RATE) * 1000 + 20_000;
      const ended = () =>
        w.page.evaluate(() => (globalThis as unknown as PageWindow).coursecastWatch.video.ended);
      while (!(await ended()) && Date.now() < deadline) await sleep(50);
      wallMs = Date.now() - t0;
      truth = await w.truth();
      [probe, final, hlsView] = await w.page.evaluate(() => {
        const win = globalThis as unknown as PageWindow;
        const hls = win.coursecastWatch.hls;
        const ranges = (r: TimeRangesLike): Ranges =>
          Array.from({ length: r.length }, (_, i) => [r.start(i), r.end(i)]);
        const tracks = hls?.bufferController?.tracks ?? null;
        const view = {
          levels: hls?.levels.map((l) => ({
            height: l.height,
            totalDuration: l.details?.totalduration ?? null,
            segments: l.details?.fragments.map((f) => Math.round(f.duration * 1000) / 1000) ?? null,
          })),
          audioTotalDuration: hls?.audioTracks.map((a) => a.details?.totalduration ?? null),
          // hls.js's own view of its SourceBuffers: a cross-check of the wrapped ones.
          bufferControllerTracks: tracks
            ? Object.fromEntries(
                Object.entries(tracks).map(([k, v]) => [k, v?.buffer ? ranges(v.buffer.buffered) : null]),
              )
            : null,
        };
        const { snapshot, ...recorded } = win.vfrProbe;
        return [recorded, snapshot('final'), view] as const;
      });
    } finally {
      await w.page.close();
    }

    const video = final.sourceBuffers.filter((b) => b.mime.startsWith('video/'));
    const audio = final.sourceBuffers.filter((b) => b.mime.startsWith('audio/'));
    const stalls = truth.stalls.map(([a, b]) => Math.round(b - a));
    figures['playback'] = {
      rate: PLAYBACK_RATE,
      wallMs,
      startupMs:
        truth.firstMoveAt !== null && truth.playCalledAt !== null
          ? Math.round(truth.firstMoveAt - truth.playCalledAt)
          : null,
      ended: probe.endedAt !== null,
      // Page clock, from the play() call to the ended event: the wall time of the playback itself.
      playToEndedMs:
        probe.endedAt !== null && truth.playCalledAt !== null
          ? Math.round(probe.endedAt - truth.playCalledAt)
          : null,
      currentTimeAtEnd: round(final.currentTime),
      stallsMs: stalls,
      waitingAfterPlaying: probe.waitingAfterPlaying.map(round),
      hlsErrors: probe.hlsErrors,
    };
    figures['buffers'] = {
      mediaSourceState: final.mediaSourceState,
      videoDuration: round(final.videoDuration),
      element: roundRanges(final.element),
      sourceBuffers: final.sourceBuffers.map((b) => ({ mime: b.mime, ranges: roundRanges(b.ranges) })),
      atSourceEnded: probe.snapshots.map((s) => ({
        element: roundRanges(s.element),
        sourceBuffers: s.sourceBuffers.map((b) => roundRanges(b.ranges)),
      })),
    };
    figures['hls'] = hlsView;

    const frame = 1 / source.nominalFps;
    // Soft: a run without the repair reports every check it fails, not just the first.
    expect.soft(probe.endedAt, 'the ended event').not.toBeNull();
    expect.soft(stalls, 'stalls the playhead probe saw').toEqual([]);
    expect.soft(probe.waitingAfterPlaying, "'waiting' after the first 'playing'").toEqual([]);
    expect
      .soft(
        probe.hlsErrors.filter((e) => /buffer(Stalled|SeekOverHole|NudgeOnStall)/.test(e)),
        'hls.js stall/hole errors',
      )
      .toEqual([]);
    expect
      .soft(Math.abs(final.videoDuration - source.duration), 'video.duration vs the source')
      .toBeLessThanOrEqual(0.1);
    expect.soft(final.mediaSourceState, 'every segment appended (end of stream)').toBe('ended');
    expect(video, 'one video SourceBuffer').toHaveLength(1);
    expect(audio, 'one audio SourceBuffer').toHaveLength(1);
    for (const b of [...video, ...audio]) {
      expect.soft(b.ranges?.length, `${b.mime}: one buffered range`).toBe(1);
      expect.soft(b.ranges?.[0]?.[0], `${b.mime}: buffered from the start`).toBeLessThanOrEqual(0.1);
    }
    const videoEnd = video[0]!.ranges?.at(-1)?.[1] ?? Number.NaN;
    // The source's video lasts to its end (its last frame is held there): so must the played one.
    expect
      .soft(Math.abs(videoEnd - source.duration), 'video buffered end vs the source')
      .toBeLessThanOrEqual(frame + 0.05);
    expect.soft(kept, 'rungs the repair skipped').toEqual([]);
  });
});
