// A lecture's captions in the studio (opened from its row): its tracks (language, kind, cues, where each came from),
// a form to add a WebVTT or SubRip file, the source's own subtitle streams to import, and removal. The server checks
// and publishes each change; its refusals (the line of the first bad cue) are shown as they come.
import type { CaptionListResponse, CaptionTrack, CaptionTrackResponse } from '@coursecast/api';
import { adminHeaders, ApiError, getJson, sendJson } from '../shared/admin-api.js';
import { el } from '../shared/dom-builder.js';
import { confirmButton } from './confirm-button.js';

const enc = encodeURIComponent;
const KIND_TEXT: Record<CaptionTrack['kind'], string> = {
  subtitles: 'Subtitles',
  captions: 'Captions (SDH)',
  descriptions: 'Descriptions',
};

/** Sends a caption file as the request body, its description in the query. */
async function uploadFile(itemId: string, file: File, query: URLSearchParams): Promise<CaptionTrackResponse> {
  const res = await fetch(`/api/items/${enc(itemId)}/captions?${query.toString()}`, {
    method: 'POST',
    headers: {
      ...adminHeaders(),
      'content-type': file.name.toLowerCase().endsWith('.srt') ? 'application/x-subrip' : 'text/vtt',
    },
    body: file,
  });
  const body = (await res.json().catch(() => null)) as
    (CaptionTrackResponse & { error?: undefined }) | { error: { code: string; message: string } } | null;
  if (!res.ok || !body || body.error) {
    const error = body?.error;
    throw new ApiError(
      res.status,
      error?.code ?? 'internal',
      error?.message ?? `the server answered ${res.status}`,
    );
  }
  return body;
}

function trackList(
  itemId: string,
  tracks: readonly CaptionTrack[],
  reload: () => void,
  say: (m: string) => void,
): HTMLElement {
  if (tracks.length === 0)
    return el(
      'p',
      { class: 'muted' },
      'No captions yet: learners who cannot hear the lecture cannot follow it.',
    );
  return el(
    'ul',
    { class: 'caption-tracks', 'aria-label': 'Caption tracks' },
    ...tracks.map((t) =>
      el(
        'li',
        { 'data-track': t.id },
        el('span', { class: 'track-label' }, t.label),
        ' ',
        el(
          'span',
          { class: 'muted' },
          `${t.language} · ${KIND_TEXT[t.kind]} · ${t.cueCount} cues · ${t.origin === 'embedded' ? 'from the source' : 'uploaded'}`,
        ),
        ' ',
        confirmButton('Remove', `Remove the “${t.label}” track?`, async () => {
          await sendJson<null>('DELETE', `/api/items/${enc(itemId)}/captions/${enc(t.id)}`).then(
            reload,
            (err: Error) => say(`The track could not be removed: ${err.message}`),
          );
        }),
      ),
    ),
  );
}

function addForm(itemId: string, reload: () => void, say: (m: string) => void): HTMLElement {
  const id = (name: string) => `caption-${name}-${itemId}`;
  const file = el('input', {
    type: 'file',
    id: id('file'),
    accept: '.vtt,.srt,text/vtt,application/x-subrip',
    required: true,
  });
  const language = el('input', {
    type: 'text',
    id: id('language'),
    required: true,
    placeholder: 'en, fr-CA, zh-Hant',
    maxlength: 35,
    autocomplete: 'off',
  });
  const kind = el(
    'select',
    { id: id('kind') },
    ...Object.entries(KIND_TEXT).map(([value, text]) => el('option', { value }, text)),
  );
  const label = el('input', {
    type: 'text',
    id: id('label'),
    maxlength: 80,
    placeholder: 'default: the language',
  });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Add captions');
  const form = el(
    'form',
    { class: 'caption-form', 'aria-label': 'Add a caption file' },
    el('label', { for: id('file') }, 'WebVTT or SubRip file'),
    file,
    el('label', { for: id('language') }, 'Language (BCP 47)'),
    language,
    el('label', { for: id('kind') }, 'Kind'),
    kind,
    el('label', { for: id('label') }, 'Label'),
    label,
    submit,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    const query = new URLSearchParams({ language: language.value.trim(), kind: kind.value });
    if (label.value.trim()) query.set('label', label.value.trim());
    submit.disabled = true;
    say('');
    uploadFile(itemId, chosen, query).then(
      (r) => {
        say(r.warnings.length ? `Added, with changes: ${r.warnings.join('; ')}.` : '');
        reload();
      },
      (err: Error) => {
        submit.disabled = false;
        say(`${chosen.name} was refused: ${err.message}`);
      },
    );
  });
  return form;
}

/** The add form's language field of an item's panel. */
function languageField(itemId: string): HTMLInputElement | null {
  return document.getElementById(`caption-language-${itemId}`) as HTMLInputElement | null;
}

function embeddedList(
  itemId: string,
  list: CaptionListResponse,
  reload: () => void,
  say: (m: string) => void,
): HTMLElement | null {
  if (list.embedded.length === 0) return null;
  return el(
    'div',
    { class: 'caption-embedded' },
    el('h4', {}, 'In the source'),
    el(
      'ul',
      {},
      ...list.embedded.map((s) => {
        const name = `${s.title ?? s.language ?? 'untagged'} (${s.codec}${s.hearingImpaired ? ', SDH' : ''}${s.forced ? ', forced' : ''})`;
        if (!s.text) return el('li', { class: 'muted' }, `${name}: pictures of text, cannot become captions`);
        if (s.importedAs) return el('li', { class: 'muted' }, `${name}: imported`);
        const button = el('button', { type: 'button' }, `Import ${name}`);
        button.addEventListener('click', () => {
          // An untagged stream (CEA-608 carries no language) takes the language typed in the form above.
          const language = s.language ? undefined : languageField(itemId)?.value.trim() || undefined;
          if (!s.language && !language) {
            say(`${name} does not say its language: type it in the Language field above, then import.`);
            return;
          }
          button.disabled = true;
          sendJson<CaptionTrackResponse>('POST', `/api/items/${enc(itemId)}/captions/import`, {
            streamIndex: s.index,
            ...(language ? { language } : {}),
          }).then(reload, (err: Error) => {
            button.disabled = false;
            say(`The stream could not be imported: ${err.message}`);
          });
        });
        return el('li', {}, button);
      }),
    ),
  );
}

/** A "Captions" button and the panel it opens under a lecture. */
export function captionsToggle(itemId: string): { button: HTMLButtonElement; panel: HTMLElement } {
  const panel = el('div', { class: 'captions-panel', id: `captions-${itemId}`, hidden: true });
  const note = el('p', { class: 'error', role: 'alert' });
  const say = (m: string) => (note.textContent = m);
  const button = el(
    'button',
    { type: 'button', class: 'captions-toggle', 'aria-expanded': 'false', 'aria-controls': panel.id },
    'Captions',
  );
  const load = (): void => {
    getJson<CaptionListResponse>(`/api/items/${enc(itemId)}/captions`).then(
      (list) =>
        panel.replaceChildren(
          el('h3', {}, 'Captions'),
          trackList(itemId, list.tracks, load, say),
          note,
          addForm(itemId, load, say),
          embeddedList(itemId, list, load, say) ?? '',
        ),
      (err: Error) => panel.replaceChildren(el('p', { class: 'error', role: 'alert' }, err.message)),
    );
  };
  button.addEventListener('click', () => {
    const open = panel.hidden;
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) load();
  });
  return { button, panel };
}
