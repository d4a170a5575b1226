import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCODE_ERROR_TYPES, TRANSCODE_MODES } from '@coursecast/semconv';
import { makeGuard, type Guard } from './callback-guard.js';
import { HLS_LAYOUT } from './hls-layout.js';
import { buildLadderArgs } from './ladder-args.js';
import { retimeLadder, siblingFfprobe, startFrameTimes } from './ladder-retime.js';
import type { LadderPlan } from './ladder-plan.js';
import { renderMasterPlaylist, type MasterPlaylistInput } from './master-playlist-write.js';
import { fsMediaError, MediaError } from './media-error.js';
import { ffmpegExitError, runOwnedProcess } from './owned-process.js';
import { extractRungPoster, POSTER_POSITION, posterRung } from './poster-extract.js';
import { ProgressParser, type ProgressSample } from './progress-parse.js';
import { buildRungResult, readRungInit } from './rung-result.js';
import { RungWatcher, type RungSnapshot } from './rung-watch.js';
import type { RungResult, TranscodeOptions, TranscodeProgress, TranscodeResult } from './transcode-types.js';
import { verifyLadderOutput } from './output-verify.js';
import { finalizeVariant } from './variant-finalize.js';

function toProgress(
  sample: ProgressSample,
  durationSeconds: number,
  snaps: RungSnapshot[],
): TranscodeProgress {
  const outTime = Math.max(0, sample.outTimeSeconds ?? 0);
  const percent = sample.end
    ? 100
    : durationSeconds > 0
      ? Math.min(100, (outTime / durationSeconds) * 100)
      : 0;
  const remaining = Math.max(0, durationSeconds - outTime);
  return {
    outTimeSeconds: outTime,
    percent,
    speed: sample.speed,
    fps: sample.fps,
    etaSeconds: sample.end ? 0 : sample.speed && durationSeconds > 0 ? remaining / sample.speed : null,
    rungs: snaps.map((s) => ({
      name: s.name,
      segments: s.segments.length,
      mediaSeconds: s.mediaSeconds,
      bytes: s.bytes,
    })),
  };
}

/** What every step of one ladder transcode shares. */
interface LadderRun {
  opts: TranscodeOptions;
  plan: LadderPlan;
  outDir: string;
  input: string;
  guard: Guard;
  hasVideo: boolean;
  hasAudio: boolean;
  videoNames: string[];
  /** The audio renditions' folders: the group of a video ladder, or the one variant of an audio-only one. */
  audioNames: string[];
  watcher: RungWatcher;
  /** performance.now() at the call. */
  t0: number;
  /** performance.now() at FFmpeg's spawn, null before. */
  spawnedAt: number | null;
  /** Date.now() at FFmpeg's spawn (at the call before it). */
  spawnedEpoch: number;
}

function startLadderRun(opts: TranscodeOptions): LadderRun {
  const t0 = performance.now();
  const outDir = path.resolve(opts.outDir);
  const input = path.resolve(opts.input);
  const { plan } = opts;
  const guard = makeGuard(opts.onCallbackError);
  const hasVideo = plan.rungs.length > 0 && plan.sourceStreams.video !== null;
  const hasAudio = plan.audio !== null && plan.sourceStreams.audio !== null;
  const videoNames = hasVideo ? plan.rungs.map((r) => r.name) : [];
  const group = hasVideo && plan.audioRenditions.length > 0 ? plan.audioRenditions.map((r) => r.name) : null;
  const audioNames = hasAudio ? (group ?? [HLS_LAYOUT.audioName]) : [];
  const watcher = new RungWatcher(outDir, [...videoNames, ...audioNames]);
  return {
    opts,
    plan,
    outDir,
    input,
    guard,
    hasVideo,
    hasAudio,
    videoNames,
    audioNames,
    watcher,
    t0,
    spawnedAt: null,
    spawnedEpoch: Date.now(),
  };
}

/** Reports one progress sample with the quality rungs' state on disk. */
function reportProgress(run: LadderRun, sample: ProgressSample, snaps: RungSnapshot[]): void {
  const qualities = snaps.filter((s) => run.plan.qualities.includes(s.name));
  run.guard('onProgress', run.opts.onProgress, toProgress(sample, run.opts.durationSeconds, qualities));
}

/**
 * Turns FFmpeg's progress samples into progress reports: each report scans the disk for the
 * newest sample; samples arriving meanwhile collapse into one.
 */
class ProgressTicker {
  /** performance.now() of the first sample, null before. */
  firstAt: number | null = null;
  /** The newest sample seen, reported or not. */
  last: ProgressSample | null = null;
  private latest: ProgressSample | null = null;
  private closed = false;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly watcher: RungWatcher,
    private readonly report: (sample: ProgressSample, snaps: RungSnapshot[]) => void,
  ) {}

  /** The running scan-and-report loop, null when idle. */
  get pending(): Promise<void> | null {
    return this.ticking;
  }

  push(sample: ProgressSample): void {
    this.firstAt ??= performance.now();
    this.latest = sample;
    this.last = sample;
    this.ticking ??= this.tickLoop();
  }

  /** No report after this (await `pending` for a running loop to end). */
  close(): void {
    this.closed = true;
  }

  private async tickLoop(): Promise<void> {
    while (this.latest && !this.closed) {
      const sample = this.latest;
      this.latest = null;
      const snaps = await this.watcher.scan();
      if (this.closed) break;
      this.report(sample, snaps);
    }
    this.ticking = null;
  }
}

/**
 * Empties outDir and creates the per-variant directories. outDir belongs to the transcode (it is
 * removed on failure): a stale playlist from an earlier attempt must not be mistaken for progress.
 */
async function prepareOutDir(run: LadderRun): Promise<void> {
  try {
    await rm(run.outDir, { recursive: true, force: true });
    // FFmpeg's HLS muxer does not create the per-variant directories of `%v` paths.
    for (const name of run.watcher.latest().map((s) => s.name)) {
      await mkdir(path.join(run.outDir, name), { recursive: true });
    }
  } catch (err) {
    throw fsMediaError(`preparing ${run.outDir}`, err);
  }
}

/** Runs FFmpeg over the ladder to its end, feeding its progress to `ticker`; throws if it failed. */
async function runLadderEncoder(run: LadderRun, args: string[], ticker: ProgressTicker): Promise<void> {
  const { opts } = run;
  const parser = new ProgressParser();
  const result = await runOwnedProcess({
    command: opts.ffmpegPath,
    label: 'ffmpeg',
    args,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    killGraceMs: opts.killGraceMs,
    onStdout: (chunk) => parser.push(chunk).forEach((sample) => ticker.push(sample)),
    onSpawn: (pid) => {
      run.spawnedAt = performance.now();
      run.spawnedEpoch = Date.now();
      run.guard('onSpawn', opts.onSpawn, pid);
    },
  });
  const exitError = ffmpegExitError(result);
  if (exitError) throw exitError;
}

/** The audio rendition's codec from its init segment (video rungs list it in CODECS). */
async function readAudioCodec(run: LadderRun, snaps: RungSnapshot[]): Promise<string | null> {
  if (!run.hasVideo || !run.hasAudio) return null;
  const audioSnap = snaps.find((s) => s.name === HLS_LAYOUT.audioName);
  const codec = audioSnap ? (await readRungInit(run.outDir, audioSnap))?.codec : null;
  return codec ?? 'mp4a.40.2';
}

/**
 * Builds and reports every rung's result once FFmpeg is done and its output verified. (ENDLIST
 * only appears in FFmpeg's trailer, so waiting for the exit delays no rung by more than ms.)
 */
async function completeAll(run: LadderRun, snaps: RungSnapshot[]): Promise<Map<string, RungResult>> {
  const completed = new Map<string, RungResult>();
  const withAudio = await readAudioCodec(run, snaps);
  for (const snap of snaps) {
    const rung = run.plan.rungs.find((r) => r.name === snap.name);
    const result = await buildRungResult(snap, {
      outDir: run.outDir,
      segmentSeconds: run.plan.segmentSeconds,
      startedAt: run.spawnedEpoch,
      mode: rung?.mode ?? TRANSCODE_MODES.encode,
      width: rung?.width ?? 0,
      height: rung?.height ?? 0,
      audioCodec: withAudio,
    });
    completed.set(snap.name, result);
    // The audio rendition of a video ladder is a result, not a rung of its own.
    if (rung || !run.hasVideo) run.guard('onRungComplete', run.opts.onRungComplete, result);
  }
  return completed;
}

/** Extracts the poster from a finished rung within what is left of the time limit; null for audio only. */
async function extractLadderPoster(run: LadderRun, rungs: RungResult[]): Promise<string | null> {
  const rung = run.hasVideo ? posterRung(rungs) : null;
  if (!rung) return null;
  const { opts } = run;
  const remaining = opts.timeoutMs - (performance.now() - (run.spawnedAt ?? run.t0));
  if (remaining <= 0) {
    throw new MediaError(
      TRANSCODE_ERROR_TYPES.timeout,
      `transcode ran out of its ${opts.timeoutMs} ms limit before the poster`,
    );
  }
  await extractRungPoster({
    ffmpegPath: opts.ffmpegPath,
    outDir: run.outDir,
    rung: rung.name,
    out: path.join(run.outDir, HLS_LAYOUT.poster),
    atSeconds: Math.max(0, opts.durationSeconds * POSTER_POSITION),
    timeoutMs: Math.ceil(remaining),
    signal: opts.signal,
  });
  return HLS_LAYOUT.poster;
}

/** Finalizes every variant playlist, then writes the master playlist that points at them. */
async function publishPlaylists(
  run: LadderRun,
  snaps: RungSnapshot[],
  rungs: RungResult[],
  audioGroup: RungResult[],
): Promise<void> {
  try {
    for (const snap of snaps) await finalizeVariant(run.outDir, snap.name);
    await writeFile(
      path.join(run.outDir, HLS_LAYOUT.master),
      renderMasterPlaylist(masterInput(rungs, audioGroup, run.plan, run.hasVideo)),
    );
  } catch (err) {
    throw fsMediaError('writing the playlists', err);
  }
}

/** Runs FFmpeg, verifies and measures its output, extracts the poster and publishes the playlists. */
async function transcodeLadder(run: LadderRun, ticker: ProgressTicker): Promise<TranscodeResult> {
  const { opts, outDir } = run;
  if (opts.signal?.aborted) {
    throw new MediaError(TRANSCODE_ERROR_TYPES.cancelled, 'transcode was cancelled before ffmpeg started');
  }
  const args = buildLadderArgs(run.input, outDir, run.plan);
  await prepareOutDir(run);
  const frameTimes = startFrameTimes(run.plan, run.input, {
    ffprobePath: opts.ffprobePath ?? siblingFfprobe(opts.ffmpegPath),
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  await runLadderEncoder(run, args, ticker);
  await ticker.pending;

  let snaps = await run.watcher.scan();
  await verifyLadderOutput(snaps, outDir);
  const retimed = await retimeLadder(outDir, run.plan, frameTimes).catch((err: unknown) => {
    throw fsMediaError('retiming the rungs', err);
  });
  if (retimed.some((r) => r.retimed)) snaps = await run.watcher.scan();
  const completed = await completeAll(run, snaps).catch((err: unknown) => {
    throw fsMediaError('measuring the rungs', err);
  });
  if (ticker.last) reportProgress(run, ticker.last, snaps);

  const rungs = run.hasVideo
    ? run.videoNames.map((n) => completed.get(n)!)
    : [completed.get(HLS_LAYOUT.audioName)!];
  const poster = await extractLadderPoster(run, rungs);
  if (opts.signal?.aborted) {
    throw new MediaError(
      TRANSCODE_ERROR_TYPES.cancelled,
      'transcode was cancelled while publishing its playlists',
    );
  }

  const audio = run.hasAudio ? (completed.get(HLS_LAYOUT.audioName) ?? null) : null;
  const group = run.hasVideo ? run.audioNames.map((n) => completed.get(n)!) : [];
  await publishPlaylists(run, snaps, rungs, group);

  const wallSeconds = (performance.now() - run.t0) / 1000;
  const mediaSeconds = rungs[0]?.mediaSeconds ?? 0;
  return {
    outDir,
    masterPlaylist: HLS_LAYOUT.master,
    poster,
    rungs,
    audio,
    mediaSeconds,
    wallSeconds,
    encoderStartupSeconds:
      run.spawnedAt !== null && ticker.firstAt !== null ? (ticker.firstAt - run.spawnedAt) / 1000 : 0,
    speed: wallSeconds > 0 ? mediaSeconds / wallSeconds : 0,
    retimed,
  };
}

/**
 * Runs the ladder; on any failure or abort kills ffmpeg, removes outDir entirely and rejects with
 * MediaError (cancelled on abort). Callbacks are guarded: a throwing callback never breaks the transcode.
 */
export async function transcodeVodHls(opts: TranscodeOptions): Promise<TranscodeResult> {
  const run = startLadderRun(opts);
  const ticker = new ProgressTicker(run.watcher, (sample, snaps) => reportProgress(run, sample, snaps));
  try {
    return await transcodeLadder(run, ticker);
  } catch (err) {
    ticker.close();
    await ticker.pending;
    await rm(run.outDir, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof MediaError) throw err;
    throw fsMediaError('transcoding', err);
  }
}

/**
 * The master playlist's facts: measured peaks and averages; each variant's BANDWIDTH counts the audio rendition of the
 * group that needs the most, as RFC 8216 4.3.4.2 asks when players may switch between them.
 */
function masterInput(
  rungs: RungResult[],
  audioGroup: RungResult[],
  plan: LadderPlan,
  hasVideo: boolean,
): MasterPlaylistInput {
  if (!hasVideo) {
    const a = rungs[0]!;
    return {
      audioOnly: {
        uri: a.playlist,
        bandwidth: a.peakBitrate,
        averageBandwidth: a.averageBitrate,
        codecs: a.codecs,
      },
    };
  }
  const peak = Math.max(0, ...audioGroup.map((a) => a.peakBitrate));
  const average = Math.max(0, ...audioGroup.map((a) => a.averageBitrate));
  return {
    variants: rungs.map((r) => ({
      uri: r.playlist,
      bandwidth: r.peakBitrate + peak,
      averageBandwidth: r.averageBitrate + average,
      width: r.width,
      height: r.height,
      frameRate: plan.frameRate,
      codecs: r.codecs,
    })),
    audio: audioGroup.map((a) => {
      const planned = plan.audioRenditions.find((r) => r.name === a.name);
      return {
        uri: a.playlist,
        groupId: HLS_LAYOUT.audioGroupId,
        name: planned?.label ?? 'Audio',
        channels: plan.audio?.channels ?? 2,
        language: planned?.language ?? null,
        default: planned?.default ?? a.name === HLS_LAYOUT.audioName,
        description: planned?.description ?? false,
      };
    }),
  };
}
