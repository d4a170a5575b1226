import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCODE_ERROR_TYPES, TRANSCODE_MODES } from '@coursecast/semconv';
import { HLS_LAYOUT } from './hls-layout.js';
import { buildLadderArgs } from './ladder-args.js';
import type { LadderPlan } from './ladder-plan.js';
import { renderMasterPlaylist, type MasterPlaylistInput } from './master-playlist-write.js';
import { fsMediaError, MediaError } from './media-error.js';
import { ffmpegExitError, runOwnedProcess } from './owned-process.js';
import { extractPoster, POSTER_POSITION } from './poster-extract.js';
import { ProgressParser, type ProgressSample } from './progress-parse.js';
import { buildRungResult, readRungInit } from './rung-result.js';
import { RungWatcher, type RungSnapshot } from './rung-watch.js';
import type { RungResult, TranscodeOptions, TranscodeProgress, TranscodeResult } from './transcode-types.js';
import { verifyLadderOutput } from './output-verify.js';
import { finalizeVariant } from './variant-finalize.js';

type Guard = <A extends unknown[]>(name: string, fn: ((...args: A) => void) | undefined, ...args: A) => void;

/** Calls an observer so that its exception never reaches the transcode (ARCHITECTURE.md §6). */
function makeGuard(onError: TranscodeOptions['onCallbackError']): Guard {
  return (name, fn, ...args) => {
    if (!fn) return;
    try {
      fn(...args);
    } catch (err) {
      try {
        onError?.(name, err);
      } catch {
        // An error reporter that throws has nobody left to report to.
      }
    }
  };
}

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

/**
 * Runs the ladder; on any failure or abort kills ffmpeg, removes outDir entirely and rejects with
 * MediaError (cancelled on abort). Callbacks are guarded: a throwing callback never breaks the transcode.
 */
export async function transcodeVodHls(opts: TranscodeOptions): Promise<TranscodeResult> {
  const t0 = performance.now();
  const outDir = path.resolve(opts.outDir);
  const input = path.resolve(opts.input);
  const { plan } = opts;
  const guard = makeGuard(opts.onCallbackError);
  const hasVideo = plan.rungs.length > 0 && plan.sourceStreams.video !== null;
  const hasAudio = plan.audio !== null && plan.sourceStreams.audio !== null;
  const videoNames = hasVideo ? plan.rungs.map((r) => r.name) : [];
  const watcher = new RungWatcher(outDir, [...videoNames, ...(hasAudio ? [HLS_LAYOUT.audioName] : [])]);

  // Assigned from callbacks; the casts keep TypeScript from narrowing them to their initial null.
  let spawnedAt = null as number | null;
  let spawnedEpoch = Date.now();
  let firstProgressAt = null as number | null;
  let closed = false as boolean;
  let latest = null as ProgressSample | null;
  let lastSample = null as ProgressSample | null;
  let ticking = null as Promise<void> | null;
  const completed = new Map<string, RungResult>();

  /** The audio rendition's codec from its init segment (video rungs list it in CODECS). */
  const readAudioCodec = async (snaps: RungSnapshot[]): Promise<string | null> => {
    if (!hasVideo || !hasAudio) return null;
    const audioSnap = snaps.find((s) => s.name === HLS_LAYOUT.audioName);
    const codec = audioSnap ? (await readRungInit(outDir, audioSnap))?.codec : null;
    return codec ?? 'mp4a.40.2';
  };

  /**
   * Builds and reports every rung's result once FFmpeg is done and its output verified. (ENDLIST
   * only appears in FFmpeg's trailer, so waiting for the exit delays no rung by more than ms.)
   */
  const completeAll = async (snaps: RungSnapshot[]): Promise<void> => {
    const withAudio = await readAudioCodec(snaps);
    for (const snap of snaps) {
      const rung = plan.rungs.find((r) => r.name === snap.name);
      const result = await buildRungResult(snap, {
        outDir,
        segmentSeconds: plan.segmentSeconds,
        startedAt: spawnedEpoch,
        mode: rung?.mode ?? TRANSCODE_MODES.encode,
        width: rung?.width ?? 0,
        height: rung?.height ?? 0,
        audioCodec: withAudio,
      });
      completed.set(snap.name, result);
      // The audio rendition of a video ladder is a result, not a rung of its own.
      if (rung || !hasVideo) guard('onRungComplete', opts.onRungComplete, result);
    }
  };

  /** Scans the disk for the newest progress sample; samples arriving meanwhile collapse into one. */
  const tickLoop = async (): Promise<void> => {
    while (latest && !closed) {
      const sample = latest;
      latest = null;
      const snaps = await watcher.scan();
      if (closed) break;
      guard('onProgress', opts.onProgress, toProgress(sample, opts.durationSeconds, snaps.filter(isQuality)));
    }
    ticking = null;
  };
  const isQuality = (s: RungSnapshot): boolean => plan.qualities.includes(s.name);
  const onSample = (sample: ProgressSample): void => {
    firstProgressAt ??= performance.now();
    latest = sample;
    lastSample = sample;
    ticking ??= tickLoop();
  };

  try {
    if (opts.signal?.aborted) {
      throw new MediaError(TRANSCODE_ERROR_TYPES.cancelled, 'transcode was cancelled before ffmpeg started');
    }
    const args = buildLadderArgs(input, outDir, plan);
    try {
      // outDir belongs to the transcode (it is removed on failure): a stale playlist from an
      // earlier attempt must not be mistaken for progress.
      await rm(outDir, { recursive: true, force: true });
      // FFmpeg's HLS muxer does not create the per-variant directories of `%v` paths.
      for (const name of watcher.latest().map((s) => s.name)) {
        await mkdir(path.join(outDir, name), { recursive: true });
      }
    } catch (err) {
      throw fsMediaError(`preparing ${outDir}`, err);
    }

    const parser = new ProgressParser();
    const run = await runOwnedProcess({
      command: opts.ffmpegPath,
      label: 'ffmpeg',
      args,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      killGraceMs: opts.killGraceMs,
      onStdout: (chunk) => parser.push(chunk).forEach(onSample),
      onSpawn: (pid) => {
        spawnedAt = performance.now();
        spawnedEpoch = Date.now();
        guard('onSpawn', opts.onSpawn, pid);
      },
    });
    const exitError = ffmpegExitError(run);
    if (exitError) throw exitError;
    await ticking;

    const snaps = await watcher.scan();
    await verifyLadderOutput(snaps, outDir);
    await completeAll(snaps).catch((err: unknown) => {
      throw fsMediaError('measuring the rungs', err);
    });
    if (lastSample)
      guard(
        'onProgress',
        opts.onProgress,
        toProgress(lastSample, opts.durationSeconds, snaps.filter(isQuality)),
      );

    let poster: string | null = null;
    if (hasVideo) {
      const remaining = opts.timeoutMs - (performance.now() - (spawnedAt ?? t0));
      if (remaining <= 0) {
        throw new MediaError(
          TRANSCODE_ERROR_TYPES.timeout,
          `transcode ran out of its ${opts.timeoutMs} ms limit before the poster`,
        );
      }
      await extractPoster({
        ffmpegPath: opts.ffmpegPath,
        input,
        out: path.join(outDir, HLS_LAYOUT.poster),
        atSeconds: Math.max(0, opts.durationSeconds * POSTER_POSITION),
        timeoutMs: Math.ceil(remaining),
        signal: opts.signal,
      });
      poster = HLS_LAYOUT.poster;
    }
    if (opts.signal?.aborted) {
      throw new MediaError(
        TRANSCODE_ERROR_TYPES.cancelled,
        'transcode was cancelled while publishing its playlists',
      );
    }

    const rungs = hasVideo
      ? videoNames.map((n) => completed.get(n)!)
      : [completed.get(HLS_LAYOUT.audioName)!];
    const audio = hasAudio ? (completed.get(HLS_LAYOUT.audioName) ?? null) : null;
    try {
      for (const snap of snaps) await finalizeVariant(outDir, snap.name);
      await writeFile(
        path.join(outDir, HLS_LAYOUT.master),
        renderMasterPlaylist(masterInput(rungs, audio, plan, hasVideo)),
      );
    } catch (err) {
      throw fsMediaError('writing the playlists', err);
    }

    const wallSeconds = (performance.now() - t0) / 1000;
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
        spawnedAt !== null && firstProgressAt !== null ? (firstProgressAt - spawnedAt) / 1000 : 0,
      speed: wallSeconds > 0 ? mediaSeconds / wallSeconds : 0,
    };
  } catch (err) {
    closed = true;
    await ticking;
    await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof MediaError) throw err;
    throw fsMediaError('transcoding', err);
  }
}

/** The master playlist's facts: measured peaks and averages, the audio rendition added to each variant. */
function masterInput(
  rungs: RungResult[],
  audio: RungResult | null,
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
  return {
    variants: rungs.map((r) => ({
      uri: r.playlist,
      bandwidth: r.peakBitrate + (audio?.peakBitrate ?? 0),
      averageBandwidth: r.averageBitrate + (audio?.averageBitrate ?? 0),
      width: r.width,
      height: r.height,
      frameRate: plan.frameRate,
      codecs: r.codecs,
    })),
    audio: audio
      ? {
          uri: audio.playlist,
          groupId: HLS_LAYOUT.audioGroupId,
          name: 'Audio',
          channels: plan.audio?.channels ?? 2,
        }
      : null,
  };
}
