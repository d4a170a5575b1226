import type { VideoStreamInfo } from './media-info.js';

/** Whether the top rung is stream-copied, with every reason that decided it. */
export interface CopyDecision {
  copy: boolean;
  reasons: string[];
}

/** What the decision looks at besides the source. */
interface CopyDecisionInput {
  video: VideoStreamInfo;
  allowCopy: boolean;
  /** Height and name of the planned top rung. */
  topHeight: number;
  topName: string;
  /** What the bpp table would give the top rung, before the source cap. */
  plannedTopBitrate: number;
  /** The source bitrate used for the cap (the stream's own, or estimated from the container). */
  sourceBitrate: number | null;
  segmentSeconds: number;
  /** True when the ladder changes the frame rate (sources above 60 fps). */
  frameRateChanged: boolean;
}

/** A source above this multiple of the planned bitrate is worth re-encoding (it wastes bandwidth). */
const COPY_MAX_BITRATE_RATIO = 1.5;

/** Profiles browsers decode (8-bit 4:2:0, which the pixel-format check also requires). */
const PLAYABLE_H264_PROFILES = new Set(['Constrained Baseline', 'Baseline', 'Main', 'High']);

const mbps = (bps: number): string => `${(bps / 1e6).toFixed(2)} Mbps`;
const secs = (s: number): string => `${Number(s.toFixed(3))} s`;

/**
 * Decides whether the top rung can be the source itself (`-c:v copy`): H.264 yuv420p in a
 * browser-playable profile, not rotated or interlaced, at the top rung's height, with a sane
 * bitrate, and with a regular keyframe interval that divides the segment length, so copied
 * segments line up with the encoded rungs (which then take their keyframes from the source).
 * Every failed condition is listed, so a log says all that would have to change.
 */
export function decideCopy(input: CopyDecisionInput): CopyDecision {
  const { video } = input;
  const no: string[] = [];
  const yes: string[] = [];
  if (!input.allowCopy) no.push('stream copy disabled by configuration');
  if (video.codec !== 'h264') no.push(`source codec ${video.codec} is not h264`);
  if (video.pixelFormat !== 'yuv420p')
    no.push(`pixel format ${video.pixelFormat ?? 'unknown'} is not yuv420p`);
  if (video.codec === 'h264' && video.profile !== null && !PLAYABLE_H264_PROFILES.has(video.profile)) {
    no.push(`H.264 profile ${video.profile} is not browser-safe`);
  }
  if (video.rotation !== 0) no.push(`source is rotated ${video.rotation}° (encoding applies the rotation)`);
  if (video.interlaced) no.push('source is interlaced');
  if (input.frameRateChanged) no.push(`frame rate ${video.frameRate} is reduced for the ladder`);

  const sourceShort = Math.min(video.width, video.height);
  if (input.topHeight !== sourceShort) {
    no.push(`top rung ${input.topName} is not the source height ${sourceShort}p`);
  }

  const limit = input.plannedTopBitrate * COPY_MAX_BITRATE_RATIO;
  if (input.sourceBitrate === null) no.push('source video bitrate unknown');
  else if (input.sourceBitrate > limit) {
    no.push(
      `source bitrate ${mbps(input.sourceBitrate)} exceeds ${COPY_MAX_BITRATE_RATIO}x the planned ${mbps(input.plannedTopBitrate)}`,
    );
  } else {
    yes.push(
      `source bitrate ${mbps(input.sourceBitrate)} ≤ ${COPY_MAX_BITRATE_RATIO}x planned ${mbps(input.plannedTopBitrate)}`,
    );
  }

  const kf = video.keyframeInterval;
  // One frame of slack: timestamps are rounded to the timebase, and 29.97 fps GOPs are 2.002 s.
  const slack = (video.frameRate > 0 ? 1 / video.frameRate : 1 / 30) + 0.002;
  if (kf === null) no.push('keyframe interval unknown');
  else if (kf.max - kf.min > slack)
    no.push(`keyframe interval irregular (${secs(kf.min)} to ${secs(kf.max)})`);
  else {
    const perSegment = Math.round(input.segmentSeconds / kf.mean);
    if (perSegment < 1 || Math.abs(input.segmentSeconds - perSegment * kf.mean) > slack) {
      no.push(`keyframe interval ${secs(kf.mean)} does not divide the ${secs(input.segmentSeconds)} segment`);
    } else {
      yes.push(`keyframes every ${secs(kf.mean)} divide the ${secs(input.segmentSeconds)} segment`);
    }
  }

  if (no.length > 0) return { copy: false, reasons: no };
  return {
    copy: true,
    reasons: [
      `h264 ${video.profile ?? ''} yuv420p at source height ${sourceShort}p`.replace('  ', ' '),
      ...yes,
    ],
  };
}
