// Starts playback of a playback answer in a <video>: the source file as it is (`direct`), HLS through hls.js
// (MediaSource), or native HLS where hls.js cannot run (iPhone Safari). The player SDK is attached before
// any media request, so every request is traced; a failing SDK never stops playback.
import { monitor, type ContentMetadata, type MonitorHandle } from '@coursecast/player-sdk';
import { PLAYBACK_MODES } from '@coursecast/semconv/browser';
import Hls, { ErrorTypes, Events, type ErrorData, type HlsConfig } from 'hls.js';
import hlsWorkerUrl from 'hls.js/dist/hls.worker.js?url';
import type { PlaybackAnswer } from './catalog-api.js';
import { watchHlsConfig } from './hls-config.js';

/** How the page plays: hls.js, the browser's own HLS, or the file itself. */
export type PlayerEngine = 'hls.js' | 'native-hls' | 'file';

export interface StartedPlayer {
  engine: PlayerEngine;
  hls: Hls | null;
  /** Null when the SDK failed to start (playback goes on unmeasured). */
  handle: MonitorHandle | null;
}

export interface StartOptions {
  content: ContentMetadata;
  viewerId: string;
  /** Merged over the page's hls.js settings (tests tune buffers and ABR with it). */
  hlsConfig?: Partial<HlsConfig>;
  /** A fatal playback error, in words for the learner. */
  onFatal(message: string): void;
}

/** Thrown when this browser has no way to play HLS. */
export class UnplayableError extends Error {
  override name = 'UnplayableError';
}

function attachSdk(video: HTMLVideoElement, options: StartOptions, hls?: Hls): MonitorHandle | null {
  try {
    return monitor(video, {
      content: options.content,
      viewerId: options.viewerId,
      ...(hls ? { hls } : {}),
    });
  } catch (err) {
    // Telemetry never breaks what it observes (ARCHITECTURE.md §6).
    console.warn('coursecast: the player SDK did not start', err);
    return null;
  }
}

function describeHlsError(data: ErrorData): string {
  const status = data.response?.code ? ` (HTTP ${data.response.code})` : '';
  if (data.type === ErrorTypes.NETWORK_ERROR)
    return `The video could not be loaded${status}: ${data.details}.`;
  if (data.type === ErrorTypes.MEDIA_ERROR)
    return `Your browser could not decode the video: ${data.details}.`;
  return `Playback failed: ${data.details}.`;
}

/** Starts `answer` in `video`; throws UnplayableError when neither hls.js nor native HLS is available. */
export function startPlayer(
  video: HTMLVideoElement,
  answer: PlaybackAnswer,
  options: StartOptions,
): StartedPlayer {
  if (answer.plan.mode === PLAYBACK_MODES.direct) {
    const handle = attachSdk(video, options);
    video.src = answer.url;
    return { engine: 'file', hls: null, handle };
  }
  if (Hls.isSupported()) {
    const hls = new Hls({
      ...watchHlsConfig({ itemId: options.content.itemId ?? '', workerPath: hlsWorkerUrl }),
      ...options.hlsConfig,
    });
    // Before loadSource: the SDK wraps hls.js's loaders, so the first playlist request is traced too.
    const handle = attachSdk(video, options, hls);
    let mediaRecoveries = 0;
    hls.on(Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      // A decode hiccup is often recoverable once; a second one, or a network failure after hls.js's own
      // retries, is not.
      if (data.type === ErrorTypes.MEDIA_ERROR && mediaRecoveries++ === 0) {
        hls.recoverMediaError();
        return;
      }
      options.onFatal(describeHlsError(data));
    });
    hls.loadSource(answer.url);
    hls.attachMedia(video);
    return { engine: 'hls.js', hls, handle };
  }
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    const handle = attachSdk(video, options);
    video.src = answer.url;
    return { engine: 'native-hls', hls: null, handle };
  }
  throw new UnplayableError('This browser plays neither HLS nor MediaSource video.');
}
