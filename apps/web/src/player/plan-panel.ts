// Beside the video: how the server delivers it (the plan's mode, why, source and output) and a live line of
// what plays (rendition, buffer, stalls) and what the SDK has sent.
import { el } from '../shared/dom-builder.js';
import type { PagePlan } from './catalog-api.js';
import { describeMode, describeReason, formatBitrate } from './display-text.js';
import '../shared/status-badge.css';

/** What the page measures while playing; null fields are shown as a dash. */
export interface LiveFigures {
  rendition: string | null;
  bufferAheadSeconds: number | null;
  stalls: number;
  sdk: { measured: boolean; sent: number; dropped: number; viewId: string | null } | null;
}

const join = (parts: (string | null | undefined | false)[]): string =>
  parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ');

function sourceLine(plan: PagePlan): string | null {
  const s = plan.source;
  if (!s) return null;
  return join([s.container, s.videoCodec, s.audioCodec, s.height ? `${s.height}p` : null]);
}

function outputLine(plan: PagePlan): string | null {
  const { video, audio } = plan;
  if (!video && !audio) return null;
  const side = (
    action: string | undefined,
    codec: string | null | undefined,
    extra: (string | null)[],
  ): string | null =>
    !action || action === 'none' ? null : join([codec, ...extra, action === 'copy' ? 'copied' : 'encoded']);
  return join([
    side(video?.action, video?.codec, [
      video?.height ? `${video.height}p` : null,
      video?.bitrate ? formatBitrate(video.bitrate) : null,
    ]),
    side(audio?.action, audio?.codec, []),
  ]);
}

function row(term: string, value: HTMLElement | string): HTMLElement[] {
  return [el('dt', {}, term), typeof value === 'string' ? el('dd', {}, value) : value];
}

/** The plan panel for `plan`; update() redraws the live line. */
export function createPlanPanel(plan: PagePlan): {
  element: HTMLElement;
  update(live: LiveFigures): void;
} {
  const rendition = el('dd', { id: 'rendition' }, '—');
  const buffer = el('dd', { id: 'buffer' }, '—');
  const stalls = el('dd', { id: 'stalls' }, '0');
  const sdk = el('dd', { id: 'sdk' }, '—');
  const source = sourceLine(plan);
  const output = plan.mode === 'vod' ? 'H.264 and AAC, in several qualities' : outputLine(plan);
  const element = el(
    'aside',
    { class: 'plan-panel', 'aria-label': 'Delivery' },
    el('h2', {}, 'Delivery'),
    el(
      'p',
      {},
      el('span', { id: 'plan-mode', class: `badge mode-${plan.mode}` }, plan.mode),
      ' ',
      describeMode(plan.mode),
    ),
    plan.reasons.length > 0
      ? el(
          'ul',
          { id: 'plan-reasons', class: 'reasons' },
          ...plan.reasons.map((r) => el('li', { 'data-reason': r }, describeReason(r))),
        )
      : null,
    el(
      'dl',
      { class: 'facts' },
      ...(source ? row('Source', source) : []),
      ...(output ? row('Sent as', output) : []),
      ...row('Playing', rendition),
      ...row('Buffer ahead', buffer),
      ...row('Stalls', stalls),
      ...row('Measured', sdk),
    ),
  );
  return {
    element,
    update(live) {
      rendition.textContent = live.rendition ?? '—';
      buffer.textContent = live.bufferAheadSeconds === null ? '—' : `${live.bufferAheadSeconds.toFixed(1)} s`;
      stalls.textContent = String(live.stalls);
      sdk.textContent = !live.sdk
        ? 'not measured'
        : live.sdk.measured
          ? join([`${live.sdk.sent} sent`, live.sdk.dropped > 0 ? `${live.sdk.dropped} dropped` : null])
          : 'off (sampled out or Do Not Track)';
    },
  };
}
