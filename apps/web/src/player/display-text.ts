// Words and figures the learner pages show: durations as a clock, plan modes and reasons in plain language,
// item statuses. Pure, so they are tested without a DOM.

/** A duration as a clock: `0:07`, `12:05`, `1:02:03`; null or negative: an em dash. */
export function formatClock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A bitrate: `850 kb/s`, `2.4 Mb/s`. */
export function formatBitrate(bitsPerSecond: number | null | undefined): string {
  if (bitsPerSecond === null || bitsPerSecond === undefined || !Number.isFinite(bitsPerSecond)) return '—';
  if (bitsPerSecond < 1_000_000) return `${Math.round(bitsPerSecond / 1000)} kb/s`;
  return `${(bitsPerSecond / 1_000_000).toFixed(1)} Mb/s`;
}

/** What each playback plan mode means for the learner (packages/semconv PLAYBACK_MODES). */
const MODE_TEXT: Readonly<Record<string, string>> = {
  vod: 'Prepared stream: the video was converted ahead of time, in several qualities.',
  direct: 'Original file: your browser plays the uploaded file as it is.',
  remux: 'Repackaged on the fly: the original picture and sound, in a stream your browser takes.',
  transcode: 'Converted on the fly: the server encodes the video for your browser as you watch.',
  live: 'Live: the lecture is being given now, in several qualities; the recording follows when it ends.',
};

/** Why a simpler plan was ruled out (packages/semconv PLAYBACK_REASONS). */
const REASON_TEXT: Readonly<Record<string, string>> = {
  ladder_not_ready: 'the prepared stream is not ready yet',
  container_not_supported: 'your browser does not open this file type',
  video_codec_not_supported: 'your browser does not decode this video format',
  audio_codec_not_supported: 'your browser does not decode this audio format',
  resolution_too_high: 'the video is larger than your screen',
  bitrate_too_high: 'the video needs more bandwidth than your connection',
};

/** The sentence for a plan mode; an unknown mode is named as it is. */
export function describeMode(mode: string): string {
  return MODE_TEXT[mode] ?? `Delivered as ${mode}.`;
}

/** The phrase for a plan reason; an unknown reason is shown as its code. */
export function describeReason(reason: string): string {
  return REASON_TEXT[reason] ?? reason.replaceAll('_', ' ');
}

/** An item's status on the course page: a short label and, when it is not plainly ready, what it means. */
export function describeStatus(status: string): { label: string; note: string | null } {
  switch (status) {
    case 'ready':
      return { label: 'Ready', note: null };
    case 'processing':
      return {
        label: 'Processing',
        note: 'Still being prepared: it can be watched already, converted as you watch.',
      };
    case 'failed':
      return {
        label: 'Unavailable',
        note: 'This video could not be prepared: ask the course team to upload it again.',
      };
    default:
      return { label: status, note: null };
  }
}

/** A size in bytes for people: `812 B`, `14.2 KB`, `3.1 MB`, `1.2 GB` (powers of 1024). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const PACKAGE_LABELS: Readonly<Record<string, string>> = {
  scorm_12: 'SCORM 1.2',
  scorm_2004: 'SCORM 2004',
  html5: 'HTML5',
};

/** The name of a package type (packages/semconv PACKAGE_TYPES); an unknown one as its code. */
export function packageLabel(type: string): string {
  return PACKAGE_LABELS[type] ?? type;
}
