import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  jitSegmentName,
  keyframeGrid,
  probeKeyframeTimes,
  segmentGrid,
  startJitEncoder,
  STREAM_ACTIONS,
  vodMediaPlaylist,
  type JitAudio,
  type JitVideo,
  type MediaInfo,
  type PlaybackPlan,
  type SegmentGrid,
} from '@coursecast/media';
import type { MediaPaths } from '../catalog/media-paths.js';
import type { Config } from '../config.js';
import type { Item } from '../store/index.js';
import { cachedKeyframes } from './keyframe-cache.js';
import { JIT_PLAYLIST, type PrepareSession } from './jit-service.js';

const SEGMENT_FILE = /^seg_(\d{5})\.ts$/;

/** Where sessions write: `<data>/jit/<session>/`, outside the published media tree. */
export function jitRoot(paths: MediaPaths): string {
  return path.join(paths.dataDir, 'jit');
}

/**
 * The FFmpeg side of sessions: the segment grid (fixed length when encoding, the source's keyframes when
 * copying), the complete playlist written at once, and encoders from @coursecast/media started at any
 * grid index. Keyframe probes are cached per item (memory and a sidecar file): a cold probe reads the whole file.
 */
export function createJitMedia(paths: MediaPaths, config: Config): PrepareSession {
  const keyframes = new Map<string, Promise<number[]>>();

  function keyframesOf(item: Item, source: string): Promise<number[]> {
    let times = keyframes.get(item.id);
    if (!times) {
      // In memory per item, and on disk beside the upload, so a restart does not probe again.
      times = cachedKeyframes(paths.uploadDir(item.id), source, () =>
        probeKeyframeTimes(config.ffprobePath, source),
      );
      keyframes.set(item.id, times);
      times.catch(() => keyframes.delete(item.id));
      if (keyframes.size > 256) keyframes.delete(keyframes.keys().next().value!);
    }
    return times;
  }

  return async (sessionId, item, plan) => {
    // Only a video's source is probed media; the playback route never opens a session for anything else.
    if (item.kind !== 'video' || !item.sourceFile || !item.sourceInfo) {
      throw new Error(`item ${item.id} has no source`);
    }
    const source = paths.resolve(item.sourceFile);
    const info = item.sourceInfo;
    const grid = await sessionGrid(plan, info, config.jit.segmentSeconds, () => keyframesOf(item, source));
    const dir = path.join(jitRoot(paths), sessionId);
    await mkdir(dir, { recursive: true });
    const playlist = vodMediaPlaylist(grid, { segmentUri: jitSegmentName });
    await writeFile(path.join(dir, JIT_PLAYLIST), playlist);
    const { video, audio } = encoderStreams(plan, config.jit.preset);
    return {
      dir,
      playlist,
      segmentCount: grid.segments.length,
      segmentFile: jitSegmentName,
      segmentIndex(file) {
        const m = SEGMENT_FILE.exec(file);
        return m ? Number(m[1]) : null;
      },
      startEncoder(startIndex, _generation, events) {
        const encoder = startJitEncoder({
          ffmpegPath: config.ffmpegPath,
          source,
          outDir: dir,
          grid,
          startIndex,
          video,
          audio,
          // Nothing of a killed run is kept, so its trailer is not worth waiting for: x264 takes up to
          // 0.9 s to honour SIGTERM, which bench/jit measured on every seek.
          killGraceMs: 0,
          onSegment: (ev) => events.segment(ev.index, ev.generationMs),
          onFirstProgress: (ms) => events.firstProgress(ms),
          onExit: (res) =>
            events.exit({
              reason: res.reason,
              message:
                res.reason === 'failed'
                  ? (res.error?.message ??
                    `ffmpeg exited ${res.code ?? res.signal ?? '?'}: ${res.stderrTail}`)
                  : '',
            }),
        });
        return { startIndex, stop: () => encoder.stop() };
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  };
}

/** The session grid for a plan: fixed segments when encoding, the source's keyframes when copying. */
export async function sessionGrid(
  plan: PlaybackPlan,
  info: MediaInfo,
  segmentSeconds: number,
  keyframes: () => Promise<number[]>,
): Promise<SegmentGrid> {
  if (plan.video.action !== STREAM_ACTIONS.copy) return segmentGrid(info.durationSeconds, segmentSeconds);
  return keyframeGrid(await keyframes(), info.durationSeconds, segmentSeconds);
}

/** What a session's encoder does with each stream, from the plan (the one place this mapping lives). */
export function encoderStreams(plan: PlaybackPlan, preset: string): { video: JitVideo; audio: JitAudio } {
  const video: JitVideo =
    plan.video.action === STREAM_ACTIONS.encode
      ? {
          mode: 'encode',
          height: plan.video.height ?? 720,
          bitrate: plan.video.bitrate ?? 2_500_000,
          maxrate: plan.video.maxrate,
          preset,
          codec: 'h264',
        }
      : { mode: 'copy' };
  const audio: JitAudio =
    plan.audio.action === STREAM_ACTIONS.none
      ? { mode: 'none' }
      : plan.audio.action === STREAM_ACTIONS.copy
        ? { mode: 'copy' }
        : { mode: 'encode', bitrate: plan.audio.bitrate ?? 128_000 };
  return { video, audio };
}
