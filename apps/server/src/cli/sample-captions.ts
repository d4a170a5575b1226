// The demo lecture's captions: a WebVTT in the demo's own words, one cue every few seconds over the lecture, so a
// first run shows the captions menu, the subtitles rendition and the transcript at work.

const LINES = [
  'Welcome to the coursecast demo lecture.',
  'These captions come from a WebVTT file the demo uploaded.',
  'The ladder carries them as an HLS subtitles rendition.',
  'Choose a cue in the transcript to jump to it.',
  'Captions, their size and background are in the menu beside the video.',
  'The dashboard shows how much of the watch time had captions on.',
];

/** `mm:ss.mmm`. */
function stamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const m = Math.floor(ms / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
}

/** A WebVTT spreading the demo's lines over `seconds` (each shown for most of its share, the last ending before the end). */
export function sampleCaptions(seconds: number): string {
  const share = seconds / LINES.length;
  const cues = LINES.map((text, i) => {
    const start = i * share + 0.2;
    const end = Math.min(seconds - 0.1, (i + 1) * share - 0.2);
    return end > start ? `${stamp(start)} --> ${stamp(end)}\n${text}\n` : '';
  }).filter((c) => c !== '');
  return `WEBVTT\n\n${cues.join('\n')}`;
}
