// The transcript beside the player, built from a caption track: every cue as a button that seeks to it, the one
// being said marked (aria-current) and kept in view inside the list, and a search over the lecture's words.
import type { PublicCaptionTrack } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { cueAt, parseTranscript, searchCues, type TranscriptCue } from './caption-cues.js';

/** The panel, for the page and its tests. */
export interface TranscriptPanel {
  element: HTMLElement;
  /** Shows `track`'s cues (null: the panel says there are none). Resolves once they are shown. */
  show(track: PublicCaptionTrack | null): Promise<void>;
}

/** `m:ss` or `h:mm:ss`. */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Builds the panel for `video`; `fetchText` reads a track's WebVTT. */
export function createTranscriptPanel(o: {
  video: HTMLVideoElement;
  fetchText: (url: string) => Promise<string>;
  reducedMotion: () => boolean;
}): TranscriptPanel {
  const list = el('ol', {
    class: 'transcript-list',
    id: 'transcript-list',
    'aria-label': 'Transcript lines',
  });
  const search = el('input', {
    type: 'search',
    id: 'transcript-search',
    autocomplete: 'off',
    'aria-controls': 'transcript-list',
  });
  const status = el('p', { id: 'transcript-status', class: 'muted', role: 'status' });
  const element = el(
    'section',
    { class: 'transcript', 'aria-labelledby': 'transcript-title' },
    el('h2', { id: 'transcript-title' }, 'Transcript'),
    el(
      'div',
      { class: 'track-field' },
      el('label', { for: 'transcript-search' }, "Search the lecture's words"),
      search,
    ),
    status,
    list,
  );
  let cues: TranscriptCue[] = [];
  let items: HTMLLIElement[] = [];
  let currentIndex = -1;
  let shown: string | null = null;

  function describe(matches: number): void {
    status.textContent =
      search.value.trim() === ''
        ? `${cues.length} lines`
        : `${matches} of ${cues.length} lines contain “${search.value.trim()}”`;
  }

  function filter(): void {
    const matches = new Set(searchCues(cues, search.value));
    items.forEach((li, i) => (li.hidden = !matches.has(i)));
    describe(matches.size);
  }

  function follow(): void {
    const index = cueAt(cues, o.video.currentTime);
    if (index === currentIndex) return;
    items[currentIndex]?.classList.remove('current');
    items[currentIndex]?.querySelector('button')?.removeAttribute('aria-current');
    currentIndex = index;
    const li = items[index];
    if (!li) return;
    li.classList.add('current');
    li.querySelector('button')?.setAttribute('aria-current', 'true');
    // Scrolls the list only, never the page, and never while the learner is reading elsewhere in it.
    if (!list.matches(':hover') && !list.contains(document.activeElement)) {
      const top = li.offsetTop - list.offsetTop - list.clientHeight / 3;
      list.scrollTo({ top, behavior: o.reducedMotion() ? 'auto' : 'smooth' });
    }
  }

  search.addEventListener('input', filter);
  o.video.addEventListener('timeupdate', follow);
  o.video.addEventListener('seeked', follow);

  return {
    element,
    async show(track) {
      if (track?.url === shown && track !== null) return;
      shown = track?.url ?? null;
      cues = [];
      items = [];
      currentIndex = -1;
      list.replaceChildren();
      if (!track) {
        status.textContent = 'This lecture has no captions, so no transcript yet.';
        search.disabled = true;
        return;
      }
      search.disabled = false;
      status.textContent = 'Loading the transcript…';
      try {
        const text = await o.fetchText(track.url);
        if (shown !== track.url) return;
        cues = parseTranscript(text);
      } catch (err) {
        status.textContent = `The transcript could not be loaded: ${err instanceof Error ? err.message : String(err)}.`;
        return;
      }
      list.setAttribute('lang', track.language);
      items = cues.map((cue) => {
        const button = el(
          'button',
          { type: 'button', class: 'cue', 'data-start': cue.start },
          el('span', { class: 'cue-time' }, clock(cue.start)),
          ' ',
          cue.text,
        );
        button.addEventListener('click', () => {
          o.video.currentTime = cue.start;
        });
        return el('li', {}, button);
      });
      list.replaceChildren(...items);
      filter();
      follow();
    },
  };
}
