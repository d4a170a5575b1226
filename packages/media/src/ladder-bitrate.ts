/**
 * Bits per pixel per frame for H.264 (x264, 2-pass-free ABR with a VBV cap), by the rung's short
 * side, at 30 fps. Smaller pictures need more bits per pixel: block overhead and detail per pixel
 * grow as the picture shrinks. Lecture content (slides, screen capture, a talking head) sits well
 * inside these; sport would not.
 *
 * | short side | bpp   | bitrate at 16:9, 30 fps |
 * |-----------:|------:|------------------------:|
 * |        240 | 0.12  |   ~0.37 Mbps (426x240)  |
 * |        360 | 0.11  |   ~0.76 Mbps (640x360)  |
 * |        480 | 0.10  |   ~1.23 Mbps (854x480)  |
 * |        720 | 0.09  |   ~2.49 Mbps (1280x720) |
 * |       1080 | 0.08  |   ~4.98 Mbps (1920x1080)|
 * |       1440 | 0.075 |   ~8.29 Mbps (2560x1440)|
 * |       2160 | 0.07  |  ~17.4 Mbps (3840x2160) |
 *
 * Between points the bpp is interpolated linearly; outside, the nearest point applies.
 */
const BPP_TABLE: readonly (readonly [shortSide: number, bpp: number])[] = [
  [240, 0.12],
  [360, 0.11],
  [480, 0.1],
  [720, 0.09],
  [1080, 0.08],
  [1440, 0.075],
  [2160, 0.07],
];

/** The frame rate the table is written for. */
const BPP_REFERENCE_FPS = 30;

/**
 * Bitrate grows sub-linearly with frame rate: at 60 fps consecutive frames differ less, so each
 * one costs less. 0.75 gives 60 fps ≈ 1.68x the 30 fps bitrate, the usual rule of thumb.
 */
const FPS_EXPONENT = 0.75;

/** The bits-per-pixel for a rung's short side, from {@link BPP_TABLE}. */
function bitsPerPixel(shortSide: number): number {
  const first = BPP_TABLE[0]!;
  const last = BPP_TABLE[BPP_TABLE.length - 1]!;
  if (shortSide <= first[0]) return first[1];
  if (shortSide >= last[0]) return last[1];
  for (let i = 1; i < BPP_TABLE.length; i++) {
    const [h1, b1] = BPP_TABLE[i]!;
    const [h0, b0] = BPP_TABLE[i - 1]!;
    if (shortSide <= h1) return b0 + ((b1 - b0) * (shortSide - h0)) / (h1 - h0);
  }
  return last[1];
}

/** Target video bitrate (bps, rounded to 1 kbps) for a rung, from the bpp table and frame rate. */
export function targetVideoBitrate(width: number, height: number, fps: number): number {
  const rate = fps > 0 ? fps : BPP_REFERENCE_FPS;
  const effectiveFps = BPP_REFERENCE_FPS * (rate / BPP_REFERENCE_FPS) ** FPS_EXPONENT;
  const bps = width * height * effectiveFps * bitsPerPixel(Math.min(width, height));
  return Math.max(1000, Math.round(bps / 1000) * 1000);
}
