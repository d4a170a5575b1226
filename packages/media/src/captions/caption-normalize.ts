import { HTML_ENTITIES, webvtt, type WebVttCue } from './webvtt-types.js';
import { decodeCaptions, type DecodedCaptions } from './caption-decode.js';
import { CaptionError } from './caption-error.js';

// An uploaded caption file (WebVTT or SubRip) made into the one WebVTT coursecast publishes. The W3C's own parser
// (the one behind its validator) reads it: its first error refuses the file, naming the line as uploaded. Cue text
// is re-serialized from the parsed tree, so only WebVTT's own markup survives (`<b>`, `<v Name>`...): a `<script>`
// or an HTML tag is dropped, `&` and `<` in text are escaped. What is fixed rather than refused is said in
// `warnings`: cues out of order are sorted, a cue running past the lecture's end is cut there.

/** Limits and facts a caption file is held to. */
export interface CaptionOptions {
  /** The lecture's duration in seconds; null when unknown (no end check). */
  durationSeconds: number | null;
  /** The largest file accepted. */
  maxBytes: number;
}

/** A caption file as coursecast publishes it. */
export interface NormalizedCaptions {
  vtt: string;
  cueCount: number;
  /** What the upload was. */
  format: 'webvtt' | 'srt';
  encoding: DecodedCaptions['encoding'];
  /** What was converted or fixed, in words. */
  warnings: string[];
}

const OUT_OF_ORDER = 'Start timestamp is not greater than or equal to start timestamp of previous cue.';
/** A cue may start this close to the end (rounding between tools); later ones belong to another video. */
const END_TOLERANCE_SECONDS = 0.5;

/** `h:mm:ss.mmm`, for messages. */
export function formatCueTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
}

/** SubRip as WebVTT: the signature and a blank line first (2 lines more), `,` before the milliseconds as `.`. */
function srtAsWebVtt(text: string): string {
  const body = text
    .split('\n')
    .map((line) => (line.includes('-->') ? line.replace(/(\d{1,2}:\d{2}:\d{2}),(\d{1,3})/g, '$1.$2') : line))
    .join('\n');
  return `WEBVTT\n\n${body}`;
}

function formatOf(text: string): 'webvtt' | 'srt' {
  if (/^WEBVTT(?:[ \t\n]|$)/.test(text)) return 'webvtt';
  if (/^\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->/.test(text)) return 'srt';
  throw new CaptionError(
    'the file is neither WebVTT (it would start with "WEBVTT") nor SubRip (a cue number, then "00:00:01,000 --> ...")',
    1,
  );
}

/** Checks and converts a caption file; throws CaptionError naming the first problem and its line. */
export function normalizeCaptions(bytes: Uint8Array, options: CaptionOptions): NormalizedCaptions {
  if (bytes.length > options.maxBytes) {
    const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new CaptionError(`the file is ${mb(bytes.length)}, over the ${mb(options.maxBytes)} limit`);
  }
  const decoded = decodeCaptions(bytes);
  const text = decoded.text.replace(/\r\n?/g, '\n');
  const format = formatOf(text);
  const source = format === 'srt' ? srtAsWebVtt(text) : text;
  const offset = format === 'srt' ? 2 : 0;
  const tree = new webvtt.WebVTTParser(HTML_ENTITIES).parse(source, 'metadata');
  const warnings: string[] = [];
  if (decoded.encoding !== 'utf-8') warnings.push(`converted from ${decoded.encoding} to UTF-8`);
  const error = tree.errors.find((e) => e.message !== OUT_OF_ORDER);
  if (error) throw new CaptionError(error.message.replace(/\.$/, ''), Math.max(1, error.line - offset));
  if (tree.cues.length === 0) throw new CaptionError('the file has no cues');
  // The n-th timing line is the n-th cue's (a timestamp anywhere else is a parse error above).
  const timingLines: number[] = [];
  source.split('\n').forEach((line, i) => {
    if (line.includes('-->')) timingLines.push(i + 1 - offset);
  });
  const cues = checkAgainstDuration(tree.cues, timingLines, options.durationSeconds, warnings);
  if (cues.length === 0) throw new CaptionError('no cue falls within the lecture');
  if (tree.errors.some((e) => e.message === OUT_OF_ORDER)) {
    cues.sort((a, b) => a.startTime - b.startTime || a.endTime - b.endTime);
    warnings.push('cues were out of order: they are sorted by start time');
  }
  const overlapping = cues.filter((c, i) => i > 0 && c.startTime < (cues[i - 1]?.endTime ?? 0)).length;
  if (overlapping > 0) warnings.push(`${overlapping} cue(s) overlap the one before: both show at once`);
  return {
    // A cue without an identifier gets none (the serializer would write an empty line for it).
    vtt: new webvtt.WebVTTSerializer().serialize(cues.map((c) => ({ ...c, id: c.id || undefined }))),
    cueCount: cues.length,
    format,
    encoding: decoded.encoding,
    warnings,
  };
}

/** Refuses a cue that starts after the lecture's end; cuts one that runs past it. */
function checkAgainstDuration(
  cues: WebVttCue[],
  timingLines: number[],
  duration: number | null,
  warnings: string[],
): WebVttCue[] {
  if (duration === null) return [...cues];
  let cut = 0;
  const kept: WebVttCue[] = [];
  cues.forEach((cue, i) => {
    if (cue.startTime >= duration + END_TOLERANCE_SECONDS) {
      throw new CaptionError(
        `the cue starts at ${formatCueTime(cue.startTime)}, after the lecture's end (${formatCueTime(duration)}): ` +
          'is this the caption file of this lecture?',
        timingLines[i] ?? null,
      );
    }
    if (cue.endTime <= duration) kept.push(cue);
    else {
      cut++;
      // One that starts at the very end (within the tolerance) has nothing left to show.
      if (cue.startTime < duration) kept.push({ ...cue, endTime: duration });
    }
  });
  if (cut > 0) warnings.push(`${cut} cue(s) ran past the lecture's end: cut at ${formatCueTime(duration)}`);
  return kept;
}
