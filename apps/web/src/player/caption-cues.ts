// The cues of a caption track as the transcript shows them: read from the normalized WebVTT the server publishes
// (one timing line per cue, then its text), markup dropped, entities decoded. Pure, so it is tested without a DOM.

/** One cue: when it is said and what. */
export interface TranscriptCue {
  start: number;
  end: number;
  text: string;
}

const TIMING = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})\s+-->\s+(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})/;
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  nbsp: '\u00a0',
  lrm: '\u200e',
  rlm: '\u200f',
  quot: '"',
  apos: "'",
};

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

/** Cue text without WebVTT markup (`<b>`, `<v Name>`, timestamps) and with its entities decoded. */
export function plainCueText(raw: string): string {
  return raw
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X'))
        return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** The cues of a WebVTT file, in order; NOTE, STYLE and REGION blocks are skipped. */
export function parseTranscript(vtt: string): TranscriptCue[] {
  const cues: TranscriptCue[] = [];
  const blocks = vtt.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => TIMING.test(l));
    if (at < 0) continue;
    const m = TIMING.exec(lines[at]!)!;
    const text = plainCueText(lines.slice(at + 1).join('\n'));
    if (text === '') continue;
    cues.push({ start: seconds(m[1], m[2]!, m[3]!, m[4]!), end: seconds(m[5], m[6]!, m[7]!, m[8]!), text });
  }
  return cues;
}

/** The cue playing at `time` (the latest that started), or -1. */
export function cueAt(cues: readonly TranscriptCue[], time: number): number {
  let found = -1;
  for (let i = 0; i < cues.length; i++) {
    const c = cues[i]!;
    if (c.start > time) break;
    if (time < c.end) found = i;
  }
  return found;
}

/** Text folded for search: case and accents ignored (`Éte` finds `ete`). */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The indices of the cues whose words contain `query` (folded); every cue for an empty query. */
export function searchCues(cues: readonly TranscriptCue[], query: string): number[] {
  const q = foldText(query.trim());
  return cues.flatMap((c, i) => (q === '' || foldText(c.text).includes(q) ? [i] : []));
}
