// A live lecture on the watch page: the wait (a countdown to a scheduled start), the LIVE badge, "jump to live", the
// latency behind live, and the end turning into the recording in the same player (hls.js reads the playlist's
// ENDLIST at its next reload: no page reload). The SDK's live entry is loaded here only, as its own chunk.
import type { LiveStatusResponse } from '@coursecast/api';
import type { MonitorHandle } from '@coursecast/player-sdk';
import type { LiveLatency } from '@coursecast/player-sdk/live';
import type Hls from 'hls.js';
import type { HlsConfig } from 'hls.js';
import { el } from '../shared/dom-builder.js';
import { requestJson } from '../shared/http-json.js';

/** What the page asks of the live controls. */
export interface LiveControls {
  /** The badge, the jump button, the latency and the wait message, for the page's stage. */
  readonly element: HTMLElement;
  /** Resolves with the master playlist's URL once the lecture can be played (the first segments exist). */
  playable(): Promise<{ url: string; status: LiveStatusResponse }>;
  /** Follows the playing lecture: the SDK's latency, the jump to live, the end into the recording. */
  follow(
    video: HTMLVideoElement,
    hls: Hls | null,
    handle: MonitorHandle | null,
    content: { courseId: string; itemId: string },
  ): void;
  /** The latest latency behind live (ms), the clock offset, the state (tests read them). */
  figures(): { latencyMs: number | null; offsetMs: number; state: string };
}

/** hls.js settings for a live lecture: close to live (1.5 segments), catching up gently, never far behind. */
export function liveHlsConfig(segmentSeconds: number): Partial<HlsConfig> {
  return {
    liveSyncDuration: segmentSeconds * 1.5,
    liveMaxLatencyDuration: segmentSeconds * 6,
    maxLiveSyncPlaybackRate: 1.1,
    liveDurationInfinity: false,
  };
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** Creates the live controls of item `itemId`. */
export function createLiveControls(itemId: string): LiveControls {
  const badge = el('span', { id: 'live-badge', class: 'live-badge' }, 'LIVE');
  const jump = el('button', { id: 'jump-to-live', type: 'button', hidden: true }, 'Jump to live');
  const latency = el('span', { id: 'live-latency', class: 'muted' });
  const wait = el('p', { id: 'live-wait', role: 'status', 'aria-live': 'polite' });
  const element = el('div', { id: 'live-controls', class: 'live-controls' }, badge, jump, latency, wait);
  let state = 'scheduled';
  let tracker: LiveLatency | null = null;
  const status = (): Promise<LiveStatusResponse> =>
    requestJson<LiveStatusResponse>(`/api/items/${encodeURIComponent(itemId)}/live/status`);
  const show = (s: LiveStatusResponse): void => {
    state = s.state;
    document.body.dataset['liveState'] = s.state;
    const ended = s.state === 'ended' || s.state === 'failed';
    badge.textContent = ended ? 'RECORDING' : s.state === 'reconnecting' ? 'LIVE · reconnecting' : 'LIVE';
    badge.classList.toggle('ended', ended);
    if (ended) {
      jump.hidden = true;
      latency.textContent = '';
    }
  };

  return {
    element,
    async playable() {
      for (;;) {
        const s = await status();
        show(s);
        if (s.url) {
          wait.textContent = '';
          return { url: s.url, status: s };
        }
        const until = s.scheduledAt ? Date.parse(s.scheduledAt) - Date.now() : 0;
        wait.textContent =
          until > 0
            ? `The lecture starts in ${clock(until)}.`
            : 'Waiting for the lecture to start: it plays here as soon as the instructor goes live.';
        await new Promise((r) => setTimeout(r, until > 0 && until < 2000 ? until : 2000));
      }
    },
    follow(video, hls, handle, content) {
      if (hls && handle) {
        void import('@coursecast/player-sdk/live').then(({ trackLiveLatency }) => {
          tracker = trackLiveLatency({
            video,
            view: handle,
            playingDate: () => hls.playingDate,
            behindLive: () => (Number.isFinite(hls.latency) ? hls.latency : null),
            content,
          });
        });
      }
      jump.hidden = !hls;
      jump.addEventListener('click', () => {
        const edge = hls?.liveSyncPosition;
        if (edge !== null && edge !== undefined) video.currentTime = edge;
        tracker?.jumpedToLive();
        if (video.paused) void video.play().catch(() => undefined);
      });
      setInterval(() => {
        const ms = tracker?.latencyMs() ?? null;
        if (ms !== null && state !== 'ended' && state !== 'failed') {
          latency.textContent = `${(ms / 1000).toFixed(1)} s behind live`;
        }
      }, 1000);
      const poll = setInterval(() => {
        void status().then(
          (s) => {
            show(s);
            if (s.state === 'ended' || s.state === 'failed') clearInterval(poll);
          },
          () => undefined,
        );
      }, 5000);
    },
    figures: () => ({ latencyMs: tracker?.latencyMs() ?? null, offsetMs: tracker?.offsetMs() ?? 0, state }),
  };
}
