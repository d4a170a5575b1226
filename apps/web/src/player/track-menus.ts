// The watch page's captions and audio controls: which caption track shows (off, or each track, the browser's
// languages listed first), how captions look (size, background), which audio track plays. Native <select>s with
// labels: keyboard operable and named for screen readers as they are. The choice is remembered for the next lecture.
import type { PublicCaptionTrack } from '@coursecast/api';
import type Hls from 'hls.js';
import { Events } from 'hls.js';
import { el } from '../shared/dom-builder.js';
import {
  bestTrack,
  loadPreferences,
  rankByLanguage,
  savePreferences,
  type CaptionBackground,
  type CaptionSize,
} from './track-preferences.js';

/** What the controls report (the page sends them to the player SDK's track entry). */
export interface TrackChanges {
  onCaptions?(track: PublicCaptionTrack | null): void;
  onAudio?(track: { name: string; language: string | null }): void;
}

/** The controls, for the page and its tests. */
export interface TrackControls {
  element: HTMLElement;
  /** The caption track showing, null when captions are off. */
  caption(): PublicCaptionTrack | null;
  /** Shows `id`'s track (null: off), as the menu would. */
  selectCaption(id: string | null): void;
  /** Called with the caption track whenever it changes (the transcript follows it). */
  onCaptionChange(listener: (track: PublicCaptionTrack | null) => void): void;
}

const SIZE_NAMES: Record<CaptionSize, string> = {
  small: 'Small',
  medium: 'Medium',
  large: 'Large',
  'x-large': 'Extra large',
};
const BACKGROUND_NAMES: Record<CaptionBackground, string> = {
  none: 'None',
  translucent: 'Translucent',
  opaque: 'Opaque',
};

function field(id: string, label: string, select: HTMLSelectElement): HTMLElement {
  select.id = id;
  return el('div', { class: 'track-field' }, el('label', { for: id }, label), select);
}

function option(value: string, text: string): HTMLOptionElement {
  return el('option', { value }, text);
}

/** Builds the controls for `video` and binds them to hls.js, or to the video's own text tracks. */
export function createTrackControls(o: {
  video: HTMLVideoElement;
  hls: Hls | null;
  captions: readonly PublicCaptionTrack[];
  storage: Storage | null;
  languages: readonly string[];
  changes?: TrackChanges;
}): TrackControls {
  const { video, hls } = o;
  const prefs = loadPreferences(o.storage);
  const listeners: ((t: PublicCaptionTrack | null) => void)[] = [];
  let current: PublicCaptionTrack | null = null;

  // Direct play (and native HLS without a subtitles group) shows the tracks through <track> elements.
  if (!hls && o.captions.length > 0 && video.textTracks.length === 0) {
    for (const c of o.captions) {
      video.append(
        el('track', {
          kind: c.kind === 'captions' ? 'captions' : 'subtitles',
          label: c.label,
          srclang: c.language,
          src: c.url,
        }),
      );
    }
  }

  const captionSelect = el('select', {}, option('', 'Off'));
  for (const c of rankByLanguage(o.captions, o.languages)) captionSelect.append(option(c.id, c.label));
  const sizeSelect = el('select', {});
  for (const [value, name] of Object.entries(SIZE_NAMES)) sizeSelect.append(option(value, name));
  const backgroundSelect = el('select', {});
  for (const [value, name] of Object.entries(BACKGROUND_NAMES)) backgroundSelect.append(option(value, name));
  const audioSelect = el('select', {});
  const audioField = field('audio-track', 'Audio', audioSelect);
  audioField.hidden = true;
  // Classes of player.css, not a <style> of our own: the pages' CSP allows only their own style sheets.
  function applyStyle(): void {
    video.dataset['cueSize'] = prefs.size;
    video.dataset['cueBackground'] = prefs.background;
  }

  function applyCaption(): void {
    if (hls) {
      const index = current ? hls.subtitleTracks.findIndex((t) => t.name === current!.label) : -1;
      hls.subtitleDisplay = index >= 0;
      hls.subtitleTrack = index;
      return;
    }
    for (const t of Array.from(video.textTracks)) {
      t.mode = current && t.label === current.label ? 'showing' : 'disabled';
    }
  }

  function selectCaption(id: string | null, remember: boolean): void {
    current = o.captions.find((c) => c.id === id) ?? null;
    captionSelect.value = current?.id ?? '';
    applyCaption();
    if (remember) {
      prefs.captions = current?.language ?? null;
      savePreferences(o.storage, prefs);
    }
    for (const l of listeners) l(current);
    o.changes?.onCaptions?.(current);
  }

  captionSelect.addEventListener('change', () => selectCaption(captionSelect.value || null, true));
  sizeSelect.value = prefs.size;
  backgroundSelect.value = prefs.background;
  sizeSelect.addEventListener('change', () => {
    prefs.size = sizeSelect.value as CaptionSize;
    savePreferences(o.storage, prefs);
    applyStyle();
  });
  backgroundSelect.addEventListener('change', () => {
    prefs.background = backgroundSelect.value as CaptionBackground;
    savePreferences(o.storage, prefs);
    applyStyle();
  });
  applyStyle();

  // Captions come back on in the language chosen last time (or the browser's, when that one is missing).
  const initial = prefs.captions ? bestTrack(o.captions, prefs.captions, o.languages) : null;
  current = initial;
  captionSelect.value = initial?.id ?? '';
  if (hls) {
    hls.on(Events.SUBTITLE_TRACKS_UPDATED, () => applyCaption());
    bindAudio(hls, audioSelect, audioField, prefs.audio, (track) => {
      prefs.audio = track.language;
      savePreferences(o.storage, prefs);
      o.changes?.onAudio?.(track);
    });
  } else {
    video.textTracks.addEventListener('addtrack', () => applyCaption());
    applyCaption();
  }

  const element = el(
    'section',
    { class: 'track-controls', 'aria-labelledby': 'track-controls-title' },
    el('h2', { id: 'track-controls-title' }, 'Captions and audio'),
    o.captions.length === 0
      ? el('p', { class: 'muted', id: 'no-captions' }, 'This lecture has no captions yet.')
      : null,
    field('caption-track', 'Captions', captionSelect),
    field('caption-size', 'Caption size', sizeSelect),
    field('caption-background', 'Caption background', backgroundSelect),
    audioField,
  );
  captionSelect.disabled = o.captions.length === 0;
  return {
    element,
    caption: () => current,
    selectCaption: (id) => selectCaption(id, true),
    onCaptionChange: (l) => listeners.push(l),
  };
}

/** The audio menu of hls.js's audio group: shown when there is more than one track; the remembered language first. */
function bindAudio(
  hls: Hls,
  select: HTMLSelectElement,
  fieldElement: HTMLElement,
  remembered: string | null,
  changed: (track: { name: string; language: string | null }) => void,
): void {
  let applied = false;
  hls.on(Events.AUDIO_TRACKS_UPDATED, (_e, data) => {
    const tracks = data.audioTracks;
    select.replaceChildren(...tracks.map((t, i) => option(String(i), t.name)));
    fieldElement.hidden = tracks.length < 2;
    const chosen = remembered
      ? bestTrack(
          tracks.map((t) => ({ ...t, language: t.lang ?? null })),
          remembered,
          [],
        )
      : null;
    if (!applied && chosen) {
      applied = true;
      const index = tracks.findIndex((t) => t.name === chosen.name);
      if (index >= 0 && index !== hls.audioTrack) hls.audioTrack = index;
    }
    select.value = String(Math.max(0, hls.audioTrack));
  });
  hls.on(Events.AUDIO_TRACK_SWITCHED, (_e, data) => {
    select.value = String(data.id);
  });
  select.addEventListener('change', () => {
    const index = Number(select.value);
    hls.audioTrack = index;
    const t = hls.audioTracks[index];
    if (t) changed({ name: t.name, language: t.lang ?? null });
  });
}
