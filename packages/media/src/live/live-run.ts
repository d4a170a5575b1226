import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ProgressParser } from '../progress-parse.js';
import { buildLiveEncoderArgs, buildLiveIngestArgs, liveRunFiles, type LiveListen } from './live-args.js';
import { spawnLiveChild, type LiveChild, type LiveChildExit } from './live-child.js';
import { FrameCrcReader, type LiveInputStream } from './frame-crc-read.js';
import { LiveInputStats, type LiveInputHealth } from './live-input-stats.js';
import {
  adaptLivePlan,
  planLiveLadder,
  type LiveInputInfo,
  type LiveLadderOptions,
  type LiveLadderPlan,
} from './live-ladder-plan.js';
import { LiveRunWatch, type LiveRunRungPlaylist } from './live-run-watch.js';

/** Why a run ended. */
export type LiveRunEndReason =
  | 'publisher_left'
  | 'publisher_stalled'
  | 'no_input'
  | 'stopped'
  | 'encoder_failed'
  | 'ingest_failed'
  /** The input's picture size changed while the top rung was a copy of it: a new run encodes it into the ladder. */
  | 'input_changed';

/** The input's health and the encoder's speed (media seconds per second: below 1 it falls behind). */
export type LiveRunHealth = LiveInputHealth & { encoderSpeed: number | null };

/** What the run reports while it goes; every callback is guarded. */
export interface LiveRunEvents {
  /** The publisher's first packet arrived. */
  onConnected?: (atMs: number) => void;
  /** The ladder this run encodes, and the wall time of its first frame. */
  onPlan?: (plan: LiveLadderPlan, input: LiveInputInfo, startMs: number) => void;
  /** Once a second while encoding: the input's health and the encoder's speed. */
  onHealth?: (health: LiveRunHealth) => void;
  /** A rung's playlist of this run changed (a new segment). */
  onPlaylist?: (playlist: LiveRunRungPlaylist) => void;
  /** The input's picture size changed mid-stream (coded sizes, as the decoder reports them). */
  onInputChange?: (from: string, to: string) => void;
}

/** One run of a live lecture: one publisher connection through one listener and one encoder. */
export interface LiveRunOptions {
  ffmpegPath: string;
  listen: LiveListen;
  /** The lecture's version folder: each rung writes into `<outDir>/<rung>/` under the run's names. */
  outDir: string;
  run: number;
  /** The lecture's ladder when an earlier run fixed it; null to plan it from this input. */
  plan: LiveLadderPlan | null;
  ladder: LiveLadderOptions;
  /** No packet for this long while connected: the publisher is gone (default 10 s). */
  stallTimeoutMs?: number;
  /** No publisher within this long: the run ends as `no_input`; null waits (an SRT listener). */
  connectTimeoutMs: number | null;
  /** Input held while the ladder is planned, at most (default 32 MiB). */
  maxBufferBytes?: number;
  /** Playlist poll period (default 100 ms). */
  pollMs?: number;
  events: LiveRunEvents;
}

/** How a run ended. */
export interface LiveRunResult {
  reason: LiveRunEndReason;
  /** Why, in words, for a failure (with FFmpeg's last lines). */
  message: string | null;
  /** A publisher was connected. */
  connected: boolean;
  plan: LiveLadderPlan | null;
  input: LiveInputInfo | null;
  startMs: number | null;
}

/** A running run. */
export interface LiveRunHandle {
  readonly done: Promise<LiveRunResult>;
  /** Ends the run as `stopped`: the listener closes, the encoder finishes its last segment. */
  stop(): void;
  /** Kills the listener (a stalled or refused publisher) with `reason`. */
  drop(reason: LiveRunEndReason): void;
  encoderPid(): number | null;
  listenerPid(): number | null;
}

function guard<A extends unknown[]>(fn: ((...a: A) => void) | undefined, ...args: A): void {
  try {
    fn?.(...args);
  } catch {
    // Observers never break what they observe.
  }
}

function describeExit(label: string, exit: LiveChildExit, child: LiveChild): string {
  const tail = child.stderr.lastLines(3).join(' | ');
  const how = exit.spawnError ?? (exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`);
  return `${label} ${how}${tail ? `: ${tail}` : ''}`;
}

function inputInfo(streams: readonly LiveInputStream[], stats: LiveInputStats): LiveInputInfo {
  const v = streams.find((s) => s.mediaType === 'video' && s.width && s.height);
  const a = streams.find((s) => s.mediaType === 'audio');
  const keys = stats.keyframePts();
  const fps = stats.health().frameRate;
  return {
    video: v ? { codec: v.codec, width: v.width!, height: v.height!, frameRate: fps } : null,
    audio: a ? { codec: a.codec, sampleRate: a.sampleRate } : null,
    keyframeInterval: keys.length >= 2 ? Math.round((keys[1]! - keys[0]!) * 1000) / 1000 : null,
  };
}

/**
 * Starts a run: the listener waits for its publisher; once the first keyframes are in (enough to know the input
 * and its keyframe interval, the input held meanwhile) the ladder is planned and the encoder started, fed the held
 * input and then the live one. The run ends when the publisher leaves, stalls, or the owner stops it.
 */
export function startLiveRun(opts: LiveRunOptions): LiveRunHandle {
  const listener = spawnLiveChild(opts.ffmpegPath, buildLiveIngestArgs(opts.listen), true);
  const crc = new FrameCrcReader();
  const held: Buffer[] = [];
  let heldBytes = 0;
  let streams: LiveInputStream[] | null = null;
  let stats: LiveInputStats | null = null;
  let connectedAt: number | null = null;
  let firstKeyAt: number | null = null;
  let lastPacketAt = Date.now();
  let encoder: LiveChild | null = null;
  let planned: { plan: LiveLadderPlan; input: LiveInputInfo; startMs: number } | null = null;
  let watch: LiveRunWatch | null = null;
  let ending: LiveRunEndReason | null = null;
  let speed: number | null = null;
  const stallMs = opts.stallTimeoutMs ?? 10_000;
  const maxHeld = opts.maxBufferBytes ?? 32 * 1024 * 1024;

  const drop = (reason: LiveRunEndReason): void => {
    ending ??= reason;
    listener.stop();
  };

  const readyToPlan = (): boolean => {
    if (!streams || !stats) return false;
    const hasVideo = streams.some((s) => s.mediaType === 'video');
    if (!hasVideo) return true;
    const keys = stats.keyframePts();
    if (keys.length >= 2) return true;
    // A second keyframe later than this means a keyframe interval too long to copy: no need to know it exactly.
    const waited =
      firstKeyAt !== null && Date.now() - firstKeyAt > (opts.ladder.segmentSeconds * 2 + 1) * 1000;
    return waited || heldBytes > maxHeld;
  };

  let encoderStarting: Promise<void> | null = null;
  let codedSize: string | null = null;
  // The decoder of the encoded rungs reports each picture size it sets up; a new one mid-stream is a resolution change.
  // Encoded rungs absorb it (scaled and padded into their size); a copied top rung cannot: the run ends, and the next
  // one (its listener back at once) encodes the top rung too.
  const watchSize = (chunk: string, plan: LiveLadderPlan): void => {
    for (const m of chunk.matchAll(/Reinit context to (\d+x\d+)/g)) {
      const size = m[1]!;
      if (codedSize !== null && size !== codedSize) {
        guard(opts.events.onInputChange, codedSize, size);
        if (plan.rungs[0]?.mode === 'copy') drop('input_changed');
      }
      codedSize = size;
    }
  };
  const startEncoder = (): void => {
    const input = inputInfo(streams!, stats!);
    const plan = opts.plan
      ? adaptLivePlan(opts.plan, input, opts.ladder)
      : planLiveLadder(input, opts.ladder);
    const firstPts = stats!.keyframePts()[0] ?? 0;
    // SRT delivers each packet exactly its latency after the publisher sent it (timestamp-based delivery): the
    // capture was that much earlier than the arrival.
    const delivery = opts.listen.protocol === 'srt' ? opts.listen.latencyMs : 0;
    const startMs = (stats!.wallTimeOf(firstPts) ?? Date.now()) - delivery;
    planned = { plan, input, startMs };
    guard(opts.events.onPlan, plan, input, startMs);
    const names = [...plan.rungs.map((r) => r.name), ...(plan.audio ? [plan.audio.name] : [])];
    encoderStarting = Promise.all(
      names.map((n) => mkdir(path.join(opts.outDir, n), { recursive: true })),
    ).then(() => {
      encoder = spawnLiveChild(
        opts.ffmpegPath,
        buildLiveEncoderArgs(opts.outDir, opts.run, plan),
        false,
        (chunk) => watchSize(chunk, plan),
      );
      const progress = new ProgressParser();
      encoder.stdout?.setEncoding('utf8');
      encoder.stdout?.on('data', (chunk: string) => {
        for (const sample of progress.push(chunk)) {
          speed = sample.speed;
          guard(opts.events.onHealth, { ...stats!.health(), encoderSpeed: speed });
        }
      });
      for (const chunk of held) encoder.stdin?.write(chunk);
      held.length = 0;
      heldBytes = 0;
      if (listener.running()) listener.stdout?.pipe(encoder.stdin!);
      else encoder.stdin?.end();
      watch = new LiveRunWatch(opts.outDir, liveRunFiles(opts.run).playlist, names, (p) =>
        guard(opts.events.onPlaylist, p),
      );
      watch.start(opts.pollMs ?? 100);
    });
  };

  listener.stdout?.on('data', (chunk: Buffer) => {
    if (encoder) return;
    held.push(chunk);
    heldBytes += chunk.length;
    if (!planned && readyToPlan()) startEncoder();
  });
  listener.extra?.setEncoding('utf8');
  listener.extra?.on('data', (chunk: string) => {
    const now = Date.now();
    const batch = crc.push(chunk);
    if (batch.streams) {
      streams = batch.streams;
      const video = streams.find((s) => s.mediaType === 'video');
      stats = new LiveInputStats(video ? video.index : null);
    }
    if (batch.packets.length === 0 || !stats) return;
    lastPacketAt = now;
    if (connectedAt === null) {
      connectedAt = now;
      guard(opts.events.onConnected, now);
    }
    for (const p of batch.packets) stats.add(p, now);
    if (firstKeyAt === null && stats.keyframePts().length > 0) firstKeyAt = now;
    if (!planned && readyToPlan()) startEncoder();
  });

  const startedAt = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    if (connectedAt === null && opts.connectTimeoutMs !== null && now - startedAt > opts.connectTimeoutMs) {
      drop('no_input');
    } else if (connectedAt !== null && now - lastPacketAt > stallMs) drop('publisher_stalled');
    else if (connectedAt !== null && !planned && readyToPlan()) startEncoder();
  }, 250);

  const done = (async (): Promise<LiveRunResult> => {
    const listenerExit = await listener.exited;
    clearInterval(ticker);
    // The encoder (if any) finishes the input it holds, then exits; one that hangs is ended.
    let message: string | null = null;
    let reason: LiveRunEndReason = ending ?? (connectedAt === null ? 'no_input' : 'publisher_left');
    const stoppedByUs = ending !== null;
    if (!stoppedByUs && listenerExit.signal !== null) {
      reason = 'ingest_failed';
      message = describeExit('the ingest listener', listenerExit, listener);
    }
    // A publisher that left before the ladder was planned (a short publish): what it sent is still encoded.
    if (!planned && streams && stats && heldBytes > 0) startEncoder();
    await (encoderStarting as Promise<void> | null)?.catch(() => {});
    const enc = encoder as LiveChild | null;
    if (enc) {
      enc.stdin?.end();
      const timer = setTimeout(() => enc.stop(), 15_000);
      const encExit = await enc.exited;
      clearTimeout(timer);
      if (encExit.code !== 0 && reason !== 'ingest_failed') {
        reason = 'encoder_failed';
        message = describeExit('the live encoder', encExit, enc);
      }
    }
    const w = watch as LiveRunWatch | null;
    if (w) await w.finish();
    const p = planned as { plan: LiveLadderPlan; input: LiveInputInfo; startMs: number } | null;
    return {
      reason,
      message,
      connected: connectedAt !== null,
      plan: p?.plan ?? null,
      input: p?.input ?? null,
      startMs: p?.startMs ?? null,
    };
  })();

  // An encoder that dies while the publisher is still sending ends the run (the listener is dropped).
  void (async () => {
    while (!encoder && listener.running()) await new Promise((r) => setTimeout(r, 50));
    const enc = encoder as LiveChild | null;
    if (!enc) return;
    const exit = await enc.exited;
    if (exit.code !== 0 && listener.running()) {
      ending ??= 'encoder_failed';
      listener.stop();
    }
  })();

  return {
    done,
    stop: () => drop('stopped'),
    drop,
    encoderPid: () => encoder?.pid ?? null,
    listenerPid: () => listener.pid,
  };
}
