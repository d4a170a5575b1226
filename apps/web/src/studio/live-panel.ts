// Live lectures in the studio: the form that creates one in a course, and a live lecture's box in its item row (where
// the encoder publishes: OBS's server and stream key, the SRT URL; its state, its ladder and the input's health while
// a publisher sends; the button that ends it into its recording).
import type { LiveResponse } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { confirmButton } from './confirm-button.js';
import { studioApi } from './studio-api.js';

const STATE_TEXT: Readonly<Record<string, string>> = {
  scheduled: 'Waiting for the encoder',
  live: 'Live now',
  reconnecting: 'Encoder dropped: waiting for it to come back',
  ended: 'Ended: the recording is the lecture',
  failed: 'Failed',
};

/** The form that creates a live lecture in `courseId`. */
export function liveForm(courseId: string, done: () => void, report: (m: string) => void): HTMLElement {
  const title = el('input', { id: 'live-title', name: 'title', required: true, maxlength: '200' });
  const when = el('input', { id: 'live-start', name: 'start', type: 'datetime-local' });
  const form = el(
    'form',
    { id: 'live-form', class: 'course-form', 'aria-label': 'New live lecture' },
    el('label', { for: 'live-title' }, 'Title'),
    title,
    el('label', { for: 'live-start' }, 'Starts at (optional: learners see a countdown)'),
    when,
    el('div', { class: 'row' }, el('button', { type: 'submit' }, 'Create live lecture')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const scheduledAt = when.value ? new Date(when.value).toISOString() : undefined;
    studioApi.createLive(courseId, { title: title.value, ...(scheduledAt ? { scheduledAt } : {}) }).then(
      () => {
        title.value = '';
        when.value = '';
        done();
      },
      (err: Error) => report(`The live lecture was not created: ${err.message}`),
    );
  });
  return form;
}

function copyField(id: string, label: string, value: string, secret: boolean): HTMLElement {
  const input = el('input', {
    id,
    readonly: true,
    value,
    type: secret ? 'password' : 'text',
    class: 'ingest-field',
  });
  const row = el('div', { class: 'row' }, el('label', { for: id }, label), input);
  if (secret) {
    const show = el('button', { type: 'button', 'aria-controls': id, 'aria-pressed': 'false' }, 'Show');
    show.addEventListener('click', () => {
      const shown = input.type === 'text';
      input.type = shown ? 'password' : 'text';
      show.textContent = shown ? 'Show' : 'Hide';
      show.setAttribute('aria-pressed', String(!shown));
    });
    row.append(show);
  }
  return row;
}

function describe(l: LiveResponse): HTMLElement[] {
  const parts: HTMLElement[] = [
    el('p', { class: 'live-state', 'data-state': l.state }, STATE_TEXT[l.state] ?? l.state),
  ];
  if (l.error) parts.push(el('p', { class: 'error' }, l.error));
  if (l.state === 'scheduled' || l.state === 'live' || l.state === 'reconnecting') {
    parts.push(copyField(`rtmp-url-${l.itemId}`, 'RTMP server', l.ingest.rtmp.url, false));
    parts.push(copyField(`rtmp-key-${l.itemId}`, 'Stream key', l.ingest.rtmp.streamKey, true));
    if (l.ingest.srt)
      parts.push(copyField(`srt-url-${l.itemId}`, 'SRT (OBS server)', l.ingest.srt.obsUrl, true));
  }
  if (l.ladder) {
    const rungs = l.ladder.rungs.map((r) => `${r.name}${r.mode === 'copy' ? ' (your stream as sent)' : ''}`);
    parts.push(
      el(
        'p',
        { class: 'muted' },
        `Learners get ${[...rungs, ...(l.ladder.audio ? ['audio'] : [])].join(', ')}. ${l.ladder.copyReasons.join('; ')}.`,
      ),
    );
  }
  const h = l.health;
  if (h) {
    const figures = [
      h.bitrate !== null ? `${(h.bitrate / 1e6).toFixed(1)} Mb/s in` : null,
      h.frameRate !== null ? `${h.frameRate} fps` : null,
      h.keyframeInterval !== null ? `keyframe every ${h.keyframeInterval} s` : null,
      h.encoderSpeed !== null ? `encoder ${h.encoderSpeed.toFixed(2)}× real time` : null,
    ].filter(Boolean);
    parts.push(el('p', { class: 'live-health' }, figures.join(' · ')));
  }
  if (l.reconnects > 0)
    parts.push(el('p', { class: 'muted' }, `The encoder reconnected ${l.reconnects} time(s).`));
  return parts;
}

/** The "Live lecture" button of an item row and the box it opens; `stop()` ends its refreshing. */
export function liveToggle(
  itemId: string,
  report: (m: string) => void,
  ended: () => void,
): { button: HTMLElement; box: HTMLElement; stop(): void } {
  const body = el('div', { class: 'live-body' });
  const end = confirmButton(
    'End lecture',
    'End the live lecture? Its recording becomes the lecture.',
    async () => {
      await studioApi.endLive(itemId).then(ended, (err: Error) => report(`Not ended: ${err.message}`));
    },
  );
  const box = el('div', { id: `live-${itemId}`, class: 'live-box', hidden: true }, body, end);
  const button = el(
    'button',
    { type: 'button', 'aria-expanded': 'false', 'aria-controls': `live-${itemId}` },
    'Live lecture',
  );
  let timer: ReturnType<typeof setInterval> | null = null;
  const refresh = (): void => {
    studioApi.live(itemId).then(
      (l) => {
        body.replaceChildren(...describe(l));
        end.hidden = l.state === 'ended' || l.state === 'failed';
      },
      (err: Error) => report(`The live lecture could not be read: ${err.message}`),
    );
  };
  button.addEventListener('click', () => {
    box.hidden = !box.hidden;
    button.setAttribute('aria-expanded', String(!box.hidden));
    if (!box.hidden) {
      refresh();
      timer ??= setInterval(refresh, 5000);
    } else if (timer) {
      clearInterval(timer);
      timer = null;
    }
  });
  return {
    button,
    box,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
