import { runOwnedProcess, ffmpegExitError } from '../owned-process.js';

/** What to generate; defaults make a 640x360 30 fps H.264 + AAC MP4. */
export interface TestClipOptions {
  ffmpegPath: string;
  out: string;
  seconds: number;
  width?: number;
  height?: number;
  fps?: number;
  /** default true */
  video?: boolean;
  /** default true */
  audio?: boolean;
  /** Fixed keyframe spacing in seconds (x264 otherwise places them every 250 frames or at scene cuts). */
  gopSeconds?: number;
  /** Output options appended last, so they override the defaults (e.g. `['-c:v', 'libx265']`). */
  extraArgs?: string[];
  /** default 120 s */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The argv (without the binary) that {@link generateTestClip} runs. */
function buildTestClipArgs(opts: TestClipOptions): string[] {
  const { seconds } = opts;
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const fps = opts.fps ?? 30;
  const withVideo = opts.video !== false;
  const withAudio = opts.audio !== false;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  if (withVideo)
    args.push('-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`);
  if (withAudio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`);
  if (withVideo) {
    // ultrafast: fixtures are generated at test time, and their quality is not under test.
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
    if (opts.gopSeconds !== undefined) {
      const gop = String(Math.max(1, Math.round(opts.gopSeconds * fps)));
      args.push('-g', gop, '-keyint_min', gop, '-sc_threshold', '0');
    }
  }
  if (withAudio) args.push('-c:a', 'aac', '-b:a', '128k', '-ac', '2');
  args.push(...(opts.extraArgs ?? []), opts.out);
  return args;
}

/** Generates a test/demo clip with lavfi testsrc2 + sine (H.264 yuv420p + AAC in MP4 by default). */
export async function generateTestClip(opts: TestClipOptions): Promise<void> {
  if (opts.video === false && opts.audio === false)
    throw new Error('generateTestClip: neither video nor audio');
  const result = await runOwnedProcess({
    command: opts.ffmpegPath,
    label: 'ffmpeg',
    args: buildTestClipArgs(opts),
    timeoutMs: opts.timeoutMs ?? 120_000,
    signal: opts.signal,
  });
  const error = ffmpegExitError(result);
  if (error) throw error;
}
