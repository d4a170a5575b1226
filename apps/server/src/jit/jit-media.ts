import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  bytesPerSegment,
  encodedVideo,
  jitMasterPlaylist,
  jitSegmentName,
  jitVbv,
  keyframeGrid,
  probeCopiedStreams,
  probeKeyframes,
  segmentGrid,
  startJitEncoder,
  STREAM_ACTIONS,
  segmentCaptions,
  SUBTITLES_MPEGTS_START,
  vodMediaPlaylist,
  withSubtitles,
  type CopiedStreams,
  type JitAudio,
  type JitVideo,
  type KeyframeIndex,
  type MediaInfo,
  type PlaybackPlan,
  type SegmentGrid,
  type SubtitleRendition,
} from '@coursecast/media';
import type { MediaPaths } from '../catalog/media-paths.js';
import type { Config } from '../config.js';
import type { Item } from '../store/index.js';
import { cachedKeyframes } from './keyframe-cache.js';
import { JIT_MASTER, JIT_PLAYLIST, type PrepareSession } from './jit-service.js';

const SEGMENT_FILE = /^seg_(\d{5})\.ts$/;

/** Where sessions write: `<data>/jit/<session>/`, outside the published media tree. */
export function jitRoot(paths: MediaPaths): string {
  return path.join(paths.dataDir, 'jit');
}

/** A caption track a session carries: its rendition in the master playlist and its normalized WebVTT. */
export interface SessionCaption {
  id: string;
  rendition: SubtitleRendition;
  vtt: string;
}

/** The caption tracks of an item, for a session about to open. */
export type SessionCaptions = (itemId: string) => Promise<SessionCaption[]>;

/**
 * Writes each track as a subtitles rendition cut on the session's own grid (`subs/<track>/...`); the names written.
 * The session's MPEG-TS segments keep the source's timeline from FFmpeg's muxer start, which X-TIMESTAMP-MAP names.
 */
async function writeSessionSubtitles(
  dir: string,
  grid: SegmentGrid,
  captions: readonly SessionCaption[],
): Promise<{ files: Set<string>; renditions: SubtitleRendition[] }> {
  const files = new Set<string>();
  const renditions: SubtitleRendition[] = [];
  for (const c of captions) {
    const { segments, playlist } = segmentCaptions(c.vtt, grid, SUBTITLES_MPEGTS_START);
    const rel = `subs/${c.id}`;
    await mkdir(path.join(dir, rel), { recursive: true });
    for (const s of segments) {
      await writeFile(path.join(dir, rel, s.name), s.body);
      files.add(`${rel}/${s.name}`);
    }
    await writeFile(path.join(dir, rel, JIT_PLAYLIST), playlist);
    files.add(`${rel}/${JIT_PLAYLIST}`);
    renditions.push({ ...c.rendition, uri: `${rel}/${JIT_PLAYLIST}` });
  }
  return { files, renditions };
}

/**
 * The FFmpeg side of sessions: the segment grid (fixed length when encoding, the source's keyframes when
 * copying), the complete playlist written at once, and encoders from @coursecast/media started at any
 * grid index. Keyframe probes are cached per item (memory and a sidecar file): a cold probe reads the whole file.
 */
export function createJitMedia(
  paths: MediaPaths,
  config: Config,
  captionsOf: SessionCaptions = async () => [],
): PrepareSession {
  const keyframes = new Map<string, Promise<KeyframeIndex>>();
  // What an item's copied streams are, once a session's probe found out: later sessions skip the probe (~0.1 s).
  const copiedByItem = new Map<string, CopiedStreams>();

  function keyframesOf(item: Item, source: string): Promise<KeyframeIndex> {
    let times = keyframes.get(item.id);
    if (!times) {
      // In memory per item, and on disk beside the upload, so a restart does not probe again.
      times = cachedKeyframes(paths.uploadDir(item.id), source, () =>
        probeKeyframes(config.ffprobePath, source),
      );
      keyframes.set(item.id, times);
      times.catch(() => keyframes.delete(item.id));
      if (keyframes.size > 256) keyframes.delete(keyframes.keys().next().value!);
    }
    return times;
  }

  /** What FFmpeg writes of an item's copied streams: known from an earlier session, or probed in this one's `dir`. */
  async function copiedOf(
    item: Item,
    streams: { video: boolean; audio: boolean },
    run: { source: string; dir: string; signal: AbortSignal; durationSeconds: number },
  ): Promise<CopiedStreams> {
    const key = `${item.id}/${streams.video}/${streams.audio}`;
    const known = copiedByItem.get(key);
    if (known) return known;
    // The run is the session's (its directory, ended with it); only a result is shared, never a run.
    const found = await probeCopiedStreams({ ffmpegPath: config.ffmpegPath, ...run, ...streams });
    copiedByItem.set(key, found);
    if (copiedByItem.size > 256) copiedByItem.delete(copiedByItem.keys().next().value!);
    return found;
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
    const subtitles = await writeSessionSubtitles(dir, grid, await captionsOf(item.id));
    const { video, audio } = encoderStreams(plan, config.jit.preset, info);
    const keyIndex = video.mode === 'copy' && info.video ? await keyframesOf(item, source) : null;
    const probing = new AbortController();
    // Made at the first request for it, once: a session nobody plays (a flood of plan requests) runs no probe,
    // and a player asks for the master before any segment, so the probe does not run beside the encoder.
    let master: Promise<void> | null = null;
    const copied = (streams: { video: boolean; audio: boolean }) =>
      copiedOf(item, streams, { source, dir, signal: probing.signal, durationSeconds: info.durationSeconds });
    const writeMaster = () =>
      writeJitMaster({
        dir,
        info,
        grid,
        video,
        audio,
        keyframes: keyIndex,
        copied,
        subtitles: subtitles.renditions,
      });
    return {
      dir,
      playlist,
      master: () => (master ??= writeMaster()),
      segmentCount: grid.segments.length,
      staticFiles: subtitles.files,
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
      cleanup: () => {
        probing.abort();
        return rm(dir, { recursive: true, force: true });
      },
    };
  };
}

/** Writes a session's master playlist; a session that copies a stream first learns what FFmpeg writes of it. */
async function writeJitMaster(o: {
  dir: string;
  info: MediaInfo;
  grid: SegmentGrid;
  video: JitVideo;
  audio: JitAudio;
  /** The source's keyframes when the video is copied: the bytes of each segment. */
  keyframes: KeyframeIndex | null;
  copied: (streams: { video: boolean; audio: boolean }) => Promise<CopiedStreams>;
  subtitles: readonly SubtitleRendition[];
}): Promise<void> {
  const video = o.video.mode === 'copy' && o.info.video !== null;
  const audio = o.audio.mode === 'copy' && o.info.audio !== null;
  const copied = video || audio ? await o.copied({ video, audio }) : null;
  const copiedVideoBytes = o.keyframes ? bytesPerSegment(o.grid, o.keyframes.times, o.keyframes.bytes) : null;
  const master = jitMasterPlaylist({ ...o, copied, copiedVideoBytes, uri: JIT_PLAYLIST });
  const text = o.subtitles.length > 0 ? withSubtitles(master, o.subtitles) : master;
  await writeFile(path.join(o.dir, JIT_MASTER), text);
}

/** The session grid for a plan: fixed segments when encoding, the source's keyframes when copying. */
export async function sessionGrid(
  plan: PlaybackPlan,
  info: MediaInfo,
  segmentSeconds: number,
  keyframes: () => Promise<KeyframeIndex>,
): Promise<SegmentGrid> {
  if (plan.video.action !== STREAM_ACTIONS.copy) return segmentGrid(info.durationSeconds, segmentSeconds);
  return keyframeGrid((await keyframes()).times, info.durationSeconds, segmentSeconds);
}

/**
 * What a session's encoder does with each stream, from the plan (the one place this mapping lives). An H.264
 * encode gets its level pinned, so the master playlist names it before the first frame is encoded.
 */
export function encoderStreams(
  plan: PlaybackPlan,
  preset: string,
  info: MediaInfo,
): { video: JitVideo; audio: JitAudio } {
  let video: JitVideo = { mode: 'copy' };
  if (plan.video.action === STREAM_ACTIONS.encode) {
    const encode = {
      mode: 'encode',
      height: plan.video.height ?? 720,
      bitrate: plan.video.bitrate ?? 2_500_000,
      maxrate: plan.video.maxrate,
      preset,
      codec: 'h264',
    } as const;
    const display = info.video ?? { width: 16, height: 9 };
    const frameRate = info.video?.frameRate ?? 0;
    video = { ...encode, level: encodedVideo({ ...encode, ...jitVbv(encode), display, frameRate }).level };
  }
  const audio: JitAudio =
    plan.audio.action === STREAM_ACTIONS.none
      ? { mode: 'none' }
      : plan.audio.action === STREAM_ACTIONS.copy
        ? { mode: 'copy' }
        : { mode: 'encode', bitrate: plan.audio.bitrate ?? 128_000 };
  return { video, audio };
}
