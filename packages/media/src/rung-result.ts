import { stat } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCODE_MODES, type TranscodeMode } from '@coursecast/semconv';
import { HLS_LAYOUT, variantPlaylistPath } from './hls-layout.js';
import { readInitSegment, type InitSegmentInfo } from './init-segment-codecs.js';
import { measureVariant } from './rung-measure.js';
import type { RungSnapshot } from './rung-watch.js';
import type { RungResult } from './transcode-types.js';

/** RFC 6381 fallbacks when an init segment cannot be read: what we ask x264/AAC for. */
const FALLBACK_CODECS = { video: 'avc1.640028', audio: 'mp4a.40.2' } as const;

/** Facts a rung's result needs beyond its snapshot. */
interface RungResultContext {
  outDir: string;
  segmentSeconds: number;
  /** epoch ms of the encoder start */
  startedAt: number;
  mode: TranscodeMode;
  /** Planned size, used when the init segment has no track header size. */
  width: number;
  height: number;
  /** Codec of the audio rendition this rung plays with, null when none. */
  audioCodec: string | null;
}

/** Reads the init segment a snapshot names (FFmpeg's name before finalisation, `init.mp4` after). */
export async function readRungInit(outDir: string, snapshot: RungSnapshot): Promise<InitSegmentInfo | null> {
  const file = path.join(outDir, snapshot.name, snapshot.mapUri ?? HLS_LAYOUT.initSegment);
  return readInitSegment(file).catch(() => null);
}

/** Builds a rung's result from its finished snapshot and its init segment. */
export async function buildRungResult(snapshot: RungSnapshot, ctx: RungResultContext): Promise<RungResult> {
  const init = await readRungInit(ctx.outDir, snapshot);
  const initFile = path.join(ctx.outDir, snapshot.name, snapshot.mapUri ?? HLS_LAYOUT.initSegment);
  const initBytes = await stat(initFile).then(
    (s) => s.size,
    () => 0,
  );
  const m = measureVariant(snapshot.segments, ctx.segmentSeconds);
  const isAudio = init?.sampleEntry === 'mp4a' || (ctx.width === 0 && ctx.height === 0);
  const own = init?.codec ?? (isAudio ? FALLBACK_CODECS.audio : FALLBACK_CODECS.video);
  const codecs = !isAudio && ctx.audioCodec ? `${own},${ctx.audioCodec}` : own;
  return {
    name: snapshot.name,
    width: init?.width ?? ctx.width,
    height: init?.height ?? ctx.height,
    mode: isAudio ? TRANSCODE_MODES.encode : ctx.mode,
    startedAt: ctx.startedAt,
    finishedAt: Math.round(snapshot.endedAt ?? Date.now()),
    segmentCount: m.segmentCount,
    bytes: m.segmentBytes + initBytes,
    mediaSeconds: m.mediaSeconds,
    averageBitrate: m.averageBitrate,
    peakBitrate: m.peakBitrate,
    codecs,
    playlist: variantPlaylistPath(snapshot.name),
  };
}
