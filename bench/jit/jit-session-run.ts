// One coursecast run of bench/jit: a new session's first segment (playback → master → playlist → seg 0), then
// the far seek in the same session, then DELETE; each stage timed from the client and from the encoder's marks.
import { mkdir, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import {
  jitSegmentName,
  probeMedia,
  type JitRunPlan,
  type MediaInfo,
  type PlaybackPlan,
  type SegmentGrid,
} from '@coursecast/media';
import type { Coursecast } from '@coursecast/server';
import { newId } from '@coursecast/server/parts';
import { fetchBody, type EncoderMarks } from './jit-bench-kit.js';

export const MODES = ['transcode', 'remux'] as const;
export type Mode = (typeof MODES)[number];

/** One item as the bench sees it: its source, its plan, and the session's grid and argv for it. */
export interface Subject {
  mode: Mode;
  itemId: string;
  source: string;
  info: MediaInfo;
  query: string;
  plan: PlaybackPlan;
  grid: SegmentGrid;
  seekIndex: number;
  /** The first playback request for this item (remux: includes the cold keyframe probe). */
  firstOpenMs: number;
  args(startIndex: number, outDir: string): JitRunPlan;
}

/** One coursecast run: first segment of a new session, then the far seek in it; ms. */
export interface SessionRun {
  total: number;
  open: number;
  /** The session's master playlist (a copy session's probe of its copied streams included). */
  master: number;
  playlist: number;
  segment: number;
  toEncoderStart: number;
  spawn: number;
  ffmpeg: number;
  serve: number;
  /** Segment request sent → segment 0 published on disk (the session's part, without delivery). */
  toPublished: number;
  firstBytes: number;
  seek: number;
  seekToEncoderStart: number;
  seekSpawn: number;
  seekFfmpeg: number;
  seekServe: number;
  seekToPublished: number;
  /** Highest segment the first encoder had published when the seek was sent. */
  positionAtSeek: number;
  restarted: boolean;
  close: number;
}

/** Registers `file` as an item through the store (symlinked under uploads/, probed), as an upload leaves it. */
export async function addItem(
  cc: Coursecast,
  ffprobe: string,
  courseId: string,
  file: string,
): Promise<{ id: string; info: MediaInfo }> {
  const id = newId('itm');
  const dir = cc.paths.uploadDir(id);
  await mkdir(dir, { recursive: true });
  const link = path.join(dir, path.basename(file));
  await symlink(file, link);
  const info = await probeMedia(link, { ffprobePath: ffprobe });
  await cc.store.createItemWithJob(
    {
      id,
      courseId,
      kind: 'video',
      title: path.basename(file),
      sourceFile: cc.paths.relative(link),
      sourceBytes: (await stat(file)).size,
      sourceInfo: info,
      durationSeconds: info.durationSeconds,
    },
    { id: newId('job'), itemId: id, maxAttempts: 1 },
  );
  return { id, info };
}

/** First segment of a new session, then the far seek in it, then DELETE; timed and broken down. */
export async function sessionRun(
  base: string,
  s: Subject,
  marks: Map<string, EncoderMarks>,
  beforeSeek?: (sessionId: string) => void,
): Promise<SessionRun> {
  const t0 = performance.now();
  const opened = await fetchBody(`${base}/api/items/${s.itemId}/playback${s.query}`);
  const answer = JSON.parse(opened.body.toString()) as {
    plan: PlaybackPlan;
    url: string;
    session: { id: string; end: string };
  };
  if (opened.status !== 200 || answer.plan.mode !== s.mode) {
    throw new Error(`playback answered ${opened.status}: ${opened.body.toString().slice(0, 300)}`);
  }
  // As a player: the answer's master playlist, then its one variant.
  const master = await fetchBody(answer.url);
  const variant = master.body
    .toString()
    .split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (master.status !== 200 || !variant) throw new Error(`master playlist answered ${master.status}`);
  const playlistUrl = new URL(variant.trim(), answer.url).href;
  const playlist = await fetchBody(playlistUrl);
  if (playlist.status !== 200 || !playlist.body.includes(jitSegmentName(s.seekIndex))) {
    throw new Error(`playlist answered ${playlist.status}`);
  }
  const segUrl = (i: number): string => new URL(jitSegmentName(i), playlistUrl).href;
  const tSeg = performance.now();
  const first = await fetchBody(segUrl(0));
  const tFirst = performance.now();
  if (first.status !== 200 || first.body.length === 0) throw new Error(`seg 0 answered ${first.status}`);
  const id = answer.session.id;
  const m = marks.get(id);
  const start0 = m?.starts[0];
  const pub0 = m?.segments.get(0);
  if (!start0 || !pub0) throw new Error(`no encoder marks for session ${id}`);
  beforeSeek?.(id);

  const tSeek = performance.now();
  const positionAtSeek = Math.max(-1, ...[...m.segments].filter(([, v]) => v.at <= tSeek).map(([i]) => i));
  const far = await fetchBody(segUrl(s.seekIndex));
  const tFar = performance.now();
  if (far.status !== 200 || far.body.length === 0)
    throw new Error(`seg ${s.seekIndex} answered ${far.status}`);
  const startN = m.starts.find((x) => x.startIndex === s.seekIndex && x.at >= tSeek);
  const pubN = m.segments.get(s.seekIndex);
  if (!pubN) throw new Error(`no publication mark for segment ${s.seekIndex}`);

  const tClose = performance.now();
  // The answer's end URL carries the session's token: only its opener may end it.
  const closed = await fetchBody(answer.session.end, { method: 'DELETE' });
  if (closed.status !== 204) throw new Error(`DELETE session answered ${closed.status}`);
  const close = performance.now() - tClose;
  marks.delete(id);
  const spawnAt = pub0.at - pub0.generationMs;
  const spawnN = pubN.at - pubN.generationMs;
  return {
    total: tFirst - t0,
    open: opened.ms,
    master: master.ms,
    playlist: playlist.ms,
    segment: tFirst - tSeg,
    toEncoderStart: start0.at - tSeg,
    spawn: spawnAt - start0.at,
    ffmpeg: pub0.generationMs,
    serve: tFirst - pub0.at,
    toPublished: pub0.at - tSeg,
    firstBytes: first.body.length,
    seek: tFar - tSeek,
    seekToEncoderStart: startN ? startN.at - tSeek : NaN,
    seekSpawn: startN ? spawnN - startN.at : NaN,
    seekFfmpeg: pubN.generationMs,
    seekServe: tFar - pubN.at,
    seekToPublished: pubN.at - tSeek,
    positionAtSeek,
    restarted: startN !== undefined,
    close,
  };
}
