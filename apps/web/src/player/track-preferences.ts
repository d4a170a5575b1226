// What a learner chose for captions, caption style and audio, kept in localStorage so the next lecture opens the
// same way; and the matching of track languages against those choices and the browser's languages.

/** Caption text sizes (player.css gives each its `::cue` font size). */
export const CAPTION_SIZES = ['small', 'medium', 'large', 'x-large'] as const;
/** A caption size. */
export type CaptionSize = (typeof CAPTION_SIZES)[number];
/** Backgrounds behind caption text (an opaque one reads best over a busy slide). */
export const CAPTION_BACKGROUNDS = ['none', 'translucent', 'opaque'] as const;
/** A caption background. */
export type CaptionBackground = (typeof CAPTION_BACKGROUNDS)[number];

/** The learner's choices. */
export interface TrackPreferences {
  /** The language of the captions last turned on; null: captions off. */
  captions: string | null;
  /** The language of the audio last chosen; null: the lecture's default. */
  audio: string | null;
  size: CaptionSize;
  background: CaptionBackground;
}

const KEY = 'coursecast.tracks';
const DEFAULTS: TrackPreferences = { captions: null, audio: null, size: 'medium', background: 'translucent' };
const TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

/** The stored choices; the defaults for anything missing or not ours (a hand-edited entry never breaks the page). */
export function loadPreferences(storage: Pick<Storage, 'getItem'> | null): TrackPreferences {
  let stored: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    if (parsed && typeof parsed === 'object') stored = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the defaults.
  }
  const tag = (v: unknown): string | null => (typeof v === 'string' && TAG.test(v) ? v : null);
  const size = stored['size'];
  const background = stored['background'];
  return {
    captions: tag(stored['captions']),
    audio: tag(stored['audio']),
    size: CAPTION_SIZES.find((s) => s === size) ?? DEFAULTS.size,
    background: CAPTION_BACKGROUNDS.find((b) => b === background) ?? DEFAULTS.background,
  };
}

/** Keeps the choices; storage that refuses (private mode, quota) only loses the memory. */
export function savePreferences(storage: Pick<Storage, 'setItem'> | null, prefs: TrackPreferences): void {
  try {
    storage?.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // Nothing to do: the choice still holds for this page.
  }
}

const primary = (tag: string): string => tag.toLowerCase().split('-')[0] ?? '';

/** How well `language` answers `wanted`: 2 the same tag, 1 the same language, 0 neither. */
function match(language: string | null, wanted: string): number {
  if (!language) return 0;
  if (language.toLowerCase() === wanted.toLowerCase()) return 2;
  return primary(language) === primary(wanted) ? 1 : 0;
}

/** The tracks with those in the browser's languages first (in the browser's order), the rest as they were. */
export function rankByLanguage<T extends { language: string | null }>(
  tracks: readonly T[],
  browserLanguages: readonly string[],
): T[] {
  const score = (t: T): number => {
    const i = browserLanguages.findIndex((l) => match(t.language, l) > 0);
    return i < 0 ? browserLanguages.length : i;
  };
  return tracks
    .map((t, i) => ({ t, i, s: score(t) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.t);
}

/** The track best matching `wanted`, then the browser's languages; null when none does. */
export function bestTrack<T extends { language: string | null }>(
  tracks: readonly T[],
  wanted: string | null,
  browserLanguages: readonly string[],
): T | null {
  for (const w of [...(wanted ? [wanted] : []), ...browserLanguages]) {
    const exact = tracks.find((t) => match(t.language, w) === 2);
    const near = tracks.find((t) => match(t.language, w) === 1);
    if (exact ?? near) return (exact ?? near)!;
  }
  return null;
}
