// Connects the watch page's caption and audio menus to the player SDK's tracks entry, which reports their use with
// each view. The entry is loaded only here, where a lecture has tracks (its own budget; the core SDK stays 10 KB);
// failing to load it costs the report, never the lecture.
import type { MonitorHandle } from '@coursecast/player-sdk';
import type Hls from 'hls.js';
import { Events } from 'hls.js';
import type { TrackControls } from './track-menus.js';

/** Starts reporting caption and audio-track use for the views of `handle`. */
export function linkTrackUsage(o: {
  video: HTMLVideoElement;
  hls: Hls | null;
  handle: MonitorHandle | null;
  content: { courseId: string; itemId: string };
  controls: TrackControls;
}): void {
  const { handle, hls } = o;
  if (!handle) return;
  import('@coursecast/player-sdk/tracks').then(
    ({ trackUsage }) => {
      const usage = trackUsage({ video: o.video, view: handle, content: o.content });
      usage.captions(o.controls.caption()?.language ?? null);
      o.controls.onCaptionChange((t) => usage.captions(t?.language ?? null));
      if (hls) {
        const report = (): void => usage.audio(hls.audioTracks[hls.audioTrack]?.lang ?? null);
        hls.on(Events.AUDIO_TRACK_SWITCHED, report);
        report();
      }
    },
    (err: unknown) => console.warn('coursecast: the tracks entry did not load', err),
  );
}
