import { generateTestClip, type TestClipOptions } from './test-clip-generate.js';

/** A Matroska test clip: the sources browsers cannot play, which is what JIT sessions are for. */
interface MkvTestClipOptions extends Omit<TestClipOptions, 'extraArgs'> {
  /** h264: x264 veryfast (B-frames: keyframe PTS and DTS differ, as in real files); hevc: x265 ultrafast. */
  codec: 'h264' | 'hevc';
}

/** Output options turning {@link generateTestClip}'s MP4 into an H.264 or HEVC Matroska file. */
function mkvTestClipExtraArgs(codec: MkvTestClipOptions['codec']): string[] {
  return codec === 'hevc'
    ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-f', 'matroska']
    : ['-preset', 'veryfast', '-f', 'matroska'];
}

/** Generates an H.264 or HEVC + AAC Matroska clip from lavfi testsrc2 + sine. */
export async function generateMkvTestClip(opts: MkvTestClipOptions): Promise<void> {
  const { codec, ...rest } = opts;
  await generateTestClip({ ...rest, extraArgs: mkvTestClipExtraArgs(codec) });
}
