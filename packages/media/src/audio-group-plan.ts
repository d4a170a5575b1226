import { HLS_LAYOUT } from './hls-layout.js';
import type { PlannedAudioRendition } from './ladder-plan.js';
import type { MediaInfo } from './media-info.js';

// A video ladder's audio group: every audio stream of the source (a lecture given in two languages, its audio
// description) becomes a rendition players can switch to, named and tagged from the source's own tags.

/** Renditions past this many are left out: no lecture carries more, and each one is another encode. */
export const MAX_AUDIO_RENDITIONS = 8;

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

function languageName(tag: string | null): string | null {
  if (!tag) return null;
  try {
    return languageNames.of(tag) ?? null;
  } catch {
    return null;
  }
}

/** Pure: the audio group of a video ladder from the probe; empty when the source has no audio. */
export function planAudioGroup(info: MediaInfo): PlannedAudioRendition[] {
  if (!info.audio) return [];
  const primary = info.audio.index;
  const tracks = info.audioTracks.length > 0 ? info.audioTracks : [];
  // The first audio stream (the one the ladder always carried) leads, the others follow in the source's order.
  const ordered = [
    ...tracks.filter((t) => t.index === primary),
    ...tracks.filter((t) => t.index !== primary),
  ].slice(0, MAX_AUDIO_RENDITIONS);
  if (ordered.length === 0) {
    return [
      {
        name: HLS_LAYOUT.audioName,
        sourceIndex: primary,
        language: null,
        label: 'Audio',
        default: true,
        description: false,
      },
    ];
  }
  const defaultIndex =
    ordered.find((t) => t.default && !t.description)?.index ??
    ordered.find((t) => !t.description)?.index ??
    primary;
  const used = new Set<string>();
  return ordered.map((t, i) => {
    const base =
      t.title?.trim() || languageName(t.language) || (ordered.length === 1 ? 'Audio' : `Audio ${i + 1}`);
    let label = t.description && !/descri/i.test(base) ? `${base} (described)` : base;
    for (let n = 2; used.has(label); n++) label = `${base} ${n}`;
    used.add(label);
    return {
      name: i === 0 ? HLS_LAYOUT.audioName : `${HLS_LAYOUT.audioName}_${i}`,
      sourceIndex: t.index,
      language: t.language,
      label,
      default: t.index === defaultIndex,
      description: t.description,
    };
  });
}
