import { spawn, type ChildProcess } from 'node:child_process';

/** A live encoder as an instructor would run one (OBS stands in): FFmpeg sending a test pattern in real time. */
export interface LiveTestPublishOptions {
  ffmpegPath: string;
  /** `rtmp://host:port/app/key` or `srt://host:port?passphrase=...`. */
  url: string;
  width?: number;
  height?: number;
  fps?: number;
  /** Seconds between keyframes (default 1). */
  keyframeSeconds?: number;
  video?: boolean;
  audio?: boolean;
  /** Stop after this long (default: until stopped). */
  seconds?: number;
  /** Video bitrate, bps (default 1.5 Mbps). */
  bitrate?: number;
}

/** A running test publisher. */
export interface LiveTestPublisher {
  /** Exit code (null when killed) once it ended. */
  readonly exited: Promise<number | null>;
  /** What FFmpeg said last (why a publish was refused). */
  stderr(): string;
  /** Ends it: SIGTERM, then SIGKILL. */
  stop(): Promise<void>;
  /** Kills it at once, as a dropped connection would. */
  kill(): Promise<void>;
}

/**
 * Publishes testsrc2 (and a sine tone) with x264 `zerolatency` and AAC, paced in real time (`-re`), as FLV to an
 * RTMP URL or MPEG-TS to an SRT one, with a fixed keyframe interval.
 */
export function startLiveTestPublish(o: LiveTestPublishOptions): LiveTestPublisher {
  const fps = o.fps ?? 30;
  const video = o.video ?? true;
  const audio = o.audio ?? true;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'];
  if (video)
    args.push('-f', 'lavfi', '-i', `testsrc2=size=${o.width ?? 1280}x${o.height ?? 720}:rate=${fps}`);
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  if (o.seconds !== undefined) args.push('-t', String(o.seconds));
  if (video) {
    const gop = Math.round(fps * (o.keyframeSeconds ?? 1));
    const rate = String(o.bitrate ?? 1_500_000);
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p');
    args.push('-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-b:v', rate);
  }
  if (audio) args.push('-c:a', 'aac', '-b:a', '96k');
  const srt = o.url.startsWith('srt:');
  args.push('-f', srt ? 'mpegts' : 'flv', o.url);
  const child: ChildProcess = spawn(o.ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => {
    stderr = (stderr + c).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('close', (code) => resolve(code));
  });
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return { exited, stderr: () => stderr, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}
