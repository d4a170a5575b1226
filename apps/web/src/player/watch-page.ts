// The watch page (`/watch/:itemId[?course=<id>][&autoplay=1][&muted=1]`): asks the server how this browser
// should get the item (its real capabilities in the request), shows the plan, and plays it with hls.js and the
// player SDK. For tests: `window.coursecastWatch` ({ video, hls, handle, plan, ... }) and, on <body>,
// `data-plan-mode` and `data-state` (loading | ready | playing | error); `window.coursecastHlsConfig`, set
// before the page runs, is merged over its hls.js settings.
import type { PublicCaptionTrack, PublicItemResponse } from '@coursecast/api';
import { viewerIdentity, type MonitorHandle } from '@coursecast/player-sdk';
import { ITEM_KINDS, PLAYBACK_MODES } from '@coursecast/semconv/browser';
import type Hls from 'hls.js';
import type { HlsConfig } from 'hls.js';
import { el } from '../shared/dom-builder.js';
import { ApiError } from '../shared/http-json.js';
import { capabilityQuery, probeBrowser, type BrowserCapabilities } from './capability-probe.js';
import {
  fetchCourse,
  fetchItem,
  fetchPlayback,
  idFromPath,
  pagePaths,
  type PagePlan,
  type PlaybackAnswer,
} from './catalog-api.js';
import { createLiveControls, liveHlsConfig, type LiveControls } from './live-controls.js';
import { startPlayer, type PlayerEngine } from './media-player.js';
import { createPlanPanel, type LiveFigures } from './plan-panel.js';
import { keepSessionAlive } from './session-keeper.js';
import { followProgress, watchingLearner } from './learner-progress.js';
import { bestTrack } from './track-preferences.js';
import { createTrackControls, type TrackControls } from './track-menus.js';
import { linkTrackUsage } from './track-usage-link.js';
import { createTranscriptPanel, type TranscriptPanel } from './transcript-panel.js';
import '../shared/palette.css';
import './player.css';

/** What the page exposes to tests and to a curious learner's console. */
export interface WatchExposed {
  video: HTMLVideoElement;
  hls: Hls | null;
  handle: MonitorHandle | null;
  plan: PagePlan | null;
  engine: PlayerEngine | null;
  capabilities: BrowserCapabilities | null;
  session: PlaybackAnswer['session'];
  tracks: TrackControls | null;
  transcript: TranscriptPanel | null;
  /** A live lecture's controls (latency, state); null for a recorded one. */
  live: LiveControls | null;
}

declare global {
  interface Window {
    coursecastWatch?: WatchExposed;
    /** Test hook: hls.js settings merged over the page's own (set by an init script before the page runs). */
    coursecastHlsConfig?: Partial<HlsConfig>;
  }
}

type PageState = 'loading' | 'ready' | 'playing' | 'error';

const params = new URLSearchParams(location.search);
const flag = (name: string) => ['1', 'true', ''].includes(params.get(name) ?? 'absent');
const app = document.getElementById('app')!;
const video = el('video', { id: 'video', controls: true, playsinline: true, preload: 'metadata' });
const heading = el('h1', { id: 'item-title' }, 'Loading…');
const back = el('a', { id: 'course-link', class: 'back', hidden: true }, '← Course');
const message = el('p', { id: 'page-message', class: 'page-message', role: 'status', hidden: true });
const side = el('div', { class: 'side' });
const progressLine = el('p', { id: 'learner-progress', class: 'muted', hidden: true });
const resumeOffer = el('div', { id: 'resume-offer', class: 'resume-offer', hidden: true });
const stage = el('div', { class: 'stage' }, video, resumeOffer, message, progressLine);
const exposed: WatchExposed = {
  video,
  hls: null,
  handle: null,
  plan: null,
  engine: null,
  capabilities: null,
  session: null,
  tracks: null,
  transcript: null,
  live: null,
};
window.coursecastWatch = exposed;

function setState(state: PageState): void {
  // An error is final: a late `pause` must not make a failed page look ready.
  if (document.body.dataset['state'] === 'error') return;
  document.body.dataset['state'] = state;
}

function fail(text: string): void {
  setState('error');
  message.textContent = text;
  message.classList.add('error');
  message.hidden = false;
}

function notice(text: string): void {
  message.textContent = text;
  message.hidden = false;
}

function apiMessage(err: unknown, what: string): string {
  if (err instanceof ApiError) {
    if (err.code === 'item_not_found')
      return 'There is no lecture at this address. Check the link you followed.';
    if (err.code === 'conflict') return `This lecture cannot be played yet: ${err.message}.`;
    return `${what}: ${err.message}${err.status ? ` (${err.status})` : ''}.`;
  }
  return `${what}: ${err instanceof Error ? err.message : String(err)}.`;
}

/** The course link in the header: named once the (public) course answers; a bare link otherwise. */
async function showCourse(courseId: string): Promise<void> {
  back.setAttribute('href', pagePaths.course(courseId));
  back.hidden = false;
  try {
    const { course } = await fetchCourse(courseId);
    back.textContent = `← ${course.title}`;
  } catch {
    // The course is decoration here: the lecture plays without it.
  }
}

/**
 * The plan for this browser. A server without just-in-time playback has no playback route (404 `not_found`):
 * the published ladder is then the only way, if there is one.
 */
async function planFor(
  itemId: string,
  view: PublicItemResponse,
  query: string,
  session: string | null,
): Promise<PlaybackAnswer> {
  try {
    return await fetchPlayback(itemId, query, session);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'not_found' && view.playback) {
      return { plan: { mode: 'vod', reasons: [] }, url: view.playback.hls, session: null, captions: [] };
    }
    throw err;
  }
}

function bufferAhead(): number | null {
  const t = video.currentTime;
  for (let i = 0; i < video.buffered.length; i++) {
    if (video.buffered.start(i) <= t + 0.1 && t <= video.buffered.end(i)) return video.buffered.end(i) - t;
  }
  return video.buffered.length > 0 ? 0 : null;
}

function rendition(hls: Hls | null): string | null {
  const level = hls && hls.currentLevel >= 0 ? hls.levels[hls.currentLevel] : undefined;
  if (level) return `${level.height}p · ${(level.bitrate / 1000).toFixed(0)} kb/s`;
  return video.videoHeight > 0 ? `${video.videoHeight}p` : null;
}

function watchPlayback(update: (live: LiveFigures) => void): void {
  let started = false;
  let stalls = 0;
  video.addEventListener('playing', () => {
    started = true;
    setState('playing');
  });
  video.addEventListener('waiting', () => {
    if (started) stalls++;
  });
  for (const name of ['pause', 'ended']) video.addEventListener(name, () => setState('ready'));
  const tick = () => {
    const stats = exposed.handle?.stats();
    update({
      rendition: rendition(exposed.hls),
      bufferAheadSeconds: bufferAhead(),
      stalls,
      sdk:
        exposed.handle && stats
          ? {
              measured: exposed.handle.measured,
              sent: stats.sent,
              dropped: stats.dropped,
              viewId: exposed.handle.viewId,
            }
          : null,
    });
  };
  tick();
  setInterval(tick, 1000);
}

/** The captions and audio menus and the transcript, above the plan panel; their use reported with the view. */
function showTracks(
  answer: PlaybackAnswer,
  planPanel: HTMLElement,
  content: { courseId: string; itemId: string },
): void {
  const storage = (() => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  })();
  const tracks = createTrackControls({
    video,
    hls: exposed.hls,
    captions: answer.captions,
    storage,
    languages: navigator.languages,
  });
  const transcript = createTranscriptPanel({
    video,
    fetchText: async (url) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.text();
    },
    reducedMotion: () => matchMedia('(prefers-reduced-motion: reduce)').matches,
  });
  const preferred = (): PublicCaptionTrack | null =>
    tracks.caption() ?? bestTrack(answer.captions, null, navigator.languages) ?? answer.captions[0] ?? null;
  tracks.onCaptionChange(() => void transcript.show(preferred()));
  void transcript.show(preferred());
  Object.assign(exposed, { tracks, transcript });
  if (answer.captions.length > 0 || exposed.hls) {
    linkTrackUsage({ video, hls: exposed.hls, handle: exposed.handle, content, controls: tracks });
  }
  side.replaceChildren(tracks.element, planPanel, transcript.element);
}

async function main(): Promise<void> {
  setState('loading');
  app.replaceChildren(
    el('header', { class: 'page-head' }, back, heading),
    el('main', { class: 'watch' }, stage, side),
  );
  const itemId = idFromPath(location.pathname);
  if (!itemId) return fail('This address names no lecture.');
  // Opened from an LMS: the launch's learner session (taken out of the address at once).
  const learner = watchingLearner(itemId);

  let view: PublicItemResponse;
  try {
    view = await fetchItem(itemId, learner?.session ?? null);
  } catch (err) {
    heading.textContent = 'Lecture unavailable';
    return fail(apiMessage(err, 'The lecture could not be loaded'));
  }
  const { item } = view;
  heading.textContent = item.title;
  document.title = `${item.title} · coursecast`;
  const courseId = params.get('course') ?? item.courseId;
  void showCourse(courseId);
  if (item.kind !== ITEM_KINDS.video)
    return fail(`This is a ${item.kind}, not a video: open it from the course page.`);
  if (view.playback?.poster) video.poster = view.playback.poster;

  // The SDK's own viewer id (kept in localStorage, never a cookie): the playback request names the same viewer
  // as the SDK's events, so the server's JIT session and the views join.
  // A learner from an LMS is the viewer under their pseudonymous id.
  const vid = learner?.learnerId ?? viewerIdentity({ sampleRate: 1 }).viewerId;
  const capabilities = probeBrowser();
  exposed.capabilities = capabilities;
  let answer: PlaybackAnswer;
  try {
    answer = await planFor(itemId, view, capabilityQuery(capabilities, vid), learner?.session ?? null);
  } catch (err) {
    return fail(apiMessage(err, 'The server could not prepare this lecture'));
  }
  const { plan, session } = answer;
  let hlsConfig = window.coursecastHlsConfig;
  if (plan.mode === PLAYBACK_MODES.live) {
    const live = createLiveControls(itemId);
    exposed.live = live;
    stage.prepend(live.element);
    const ready = await live.playable();
    answer = { ...answer, url: ready.url };
    hlsConfig = { ...liveHlsConfig(ready.status.segmentSeconds), ...hlsConfig };
  }
  exposed.plan = plan;
  exposed.session = session;
  document.body.dataset['planMode'] = plan.mode;
  const panel = createPlanPanel(plan);
  side.replaceChildren(panel.element);
  if (session) {
    keepSessionAlive(session, {
      onLost: () => notice('The server ended this playback session: reload the page to watch on.'),
    });
  }

  // Autoplay only when asked (a link from a course site, a test): muted, or the browser may refuse it.
  if (flag('muted')) video.muted = true;
  const autoplay = flag('autoplay');
  video.autoplay = autoplay;
  video.addEventListener('error', () => {
    // hls.js reports decode failures through its own error event (handled in startPlayer).
    if (exposed.engine !== 'hls.js')
      fail(`The video could not be played (${video.error?.message || `code ${video.error?.code ?? '?'}`}).`);
  });
  try {
    const started = startPlayer(video, answer, {
      // Ids and the plan only: every telemetry name is spelled in packages/semconv, and titles are not ids.
      content: { courseId, itemId, planMode: plan.mode },
      viewerId: vid,
      ...(hlsConfig ? { hlsConfig } : {}),
      onFatal: fail,
    });
    Object.assign(exposed, started);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (autoplay) {
    video.addEventListener(
      'canplay',
      () => {
        if (video.paused) video.play().catch(() => notice('Press play to start the lecture.'));
      },
      { once: true },
    );
  }
  exposed.live?.follow(video, exposed.hls, exposed.handle, { courseId, itemId });
  showTracks(answer, panel.element, { courseId, itemId });
  setState('ready');
  watchPlayback((live) => panel.update(live));
  if (learner) await followProgress(video, learner, progressLine, resumeOffer);
}

void main();
