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
  /** x264 preset (default veryfast). */
  preset?: string;
  /** Publishes this file as it is (stream copy, paced in real time) instead of a test pattern. */
  input?: string;
  /**
   * Burns the wall clock of each frame's capture into it: a strip along the top of {@link CLOCK_BITS} black or white
   * blocks, the capture time in ms modulo 2^40, least significant bit first (readable back from any rung).
   */
  clock?: boolean;
}

/** Bits of the burnt-in clock: ms modulo 2^40 (34 years). */
export const CLOCK_BITS = 40;

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
  const width = o.width ?? 1280;
  const size = `${width}x${o.height ?? 720}`;
  if (o.input) args.push('-i', o.input, '-map', '0', '-c', 'copy');
  else args.push(...patternArgs(o, { fps, video, audio, width, size }));
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

/** The test pattern's input and encoding arguments. */
function patternArgs(
  o: LiveTestPublishOptions,
  p: { fps: number; video: boolean; audio: boolean; width: number; size: string },
): string[] {
  const { fps, video, audio, width, size } = p;
  const args: string[] = [];
  // One lavfi input for picture and sound: one -re clock. Two inputs start their clocks apart, and the muxer then
  // holds the video until the later audio catches up (a third of a second here), which no real encoder does.
  const graph: string[] = [];
  if (video && o.clock) {
    // The strip's frames are stamped with the wall clock (RTCTIME, µs) as they are made, paced by -re, then geq
    // paints bit floor(X/block) of the ms; the frames get their normal times back before the overlay.
    const block = Math.floor(width / CLOCK_BITS);
    graph.push(
      `color=c=black:s=${block * CLOCK_BITS}x${block}:r=${fps},format=gray,settb=1/1000,setpts='RTCTIME/1000',` +
        `geq=lum='255*mod(floor(T*1000/pow(2\\,floor(X/${block})))\\,2)',setpts='N/${fps}/TB'[strip]`,
      `testsrc2=size=${size}:rate=${fps}[base]`,
      '[base][strip]overlay=0:0:shortest=1[out0]',
    );
  } else if (video) graph.push(`testsrc2=size=${size}:rate=${fps}[out0]`);
  if (audio) graph.push(`sine=frequency=440:sample_rate=48000[out${video ? 1 : 0}]`);
  args.push('-f', 'lavfi', '-i', graph.join(';'));
  if (o.seconds !== undefined) args.push('-t', String(o.seconds));
  if (video) {
    const gop = Math.round(fps * (o.keyframeSeconds ?? 1));
    const rate = String(o.bitrate ?? 1_500_000);
    args.push(
      '-c:v',
      'libx264',
      '-preset',
      o.preset ?? 'veryfast',
      '-tune',
      'zerolatency',
      '-pix_fmt',
      'yuv420p',
    );
    args.push('-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-b:v', rate);
  }
  if (audio) args.push('-c:a', 'aac', '-b:a', '96k');
  return args;
}
