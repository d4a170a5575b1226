import {
  ATTR_QUALITY_FROM,
  ATTR_QUALITY_TO,
  ATTR_SWITCH_REASON,
  PLAYBACK_EVENTS,
  SWITCH_REASONS,
  VIEW_END_REASONS,
} from '@coursecast/semconv/browser';
import type { HlsLevel, HlsLike } from './hls-types.js';
import type { Guard } from './sdk-types.js';
import type { ViewTracker } from './view-tracker.js';

// hls.js event names (Hls.Events values), spelled out so the SDK never imports hls.js.
const EV = {
  manifestLoading: 'hlsManifestLoading',
  levelSwitched: 'hlsLevelSwitched',
  error: 'hlsError',
  destroying: 'hlsDestroying',
} as const;
// hls.js reports a stall as a non-fatal "error"; for us it is a buffering signal, not an error.
const STALL_DETAILS = new Set(['bufferStalledError', 'bufferNudgeOnStall', 'bufferSeekOverHole']);
// Non-fatal errors of one kind beyond this, per view, are noise (hls.js can repeat one many times a second).
const NON_FATAL_LIMIT = 10;

/** A rendition's label: its height (`720p`), else its bitrate (`800k`). */
export function levelLabel(level: HlsLevel | undefined): string | undefined {
  if (!level) return undefined;
  if (level.height) return `${level.height}p`;
  return level.bitrate ? `${Math.round(level.bitrate / 1000)}k` : undefined;
}

export interface HlsAdapterDeps {
  hls: HlsLike;
  tracker: ViewTracker;
  guard: Guard;
  now: () => number;
  /** hls.js is being destroyed: the monitor ends the view and lets go. */
  onDestroying(): void;
}

/** Binds hls.js events to the view tracker; returns what the probe reads, and the unbind. */
export function bindHls(deps: HlsAdapterDeps) {
  const { hls, tracker, guard, now } = deps;
  let current: number | null = null;
  let manifestUrl: string | null = null;
  let lastView: string | null = null;
  const nonFatal = new Map<string, number>();

  const on: Record<string, (event: string, data: never) => void> = {
    [EV.manifestLoading]: guard.wrap('hls.manifest', (_e: string, data: { url?: string }) => {
      // A new source on the same player is a new view.
      if (manifestUrl !== null && data.url !== manifestUrl && tracker.live())
        tracker.end(now(), VIEW_END_REASONS.sourceChange);
      manifestUrl = data.url ?? null;
      current = null;
    }),
    [EV.levelSwitched]: guard.wrap('hls.level', (_e: string, data: { level: number }) => {
      const from = current;
      current = data.level;
      // The first rendition is the starting point, not a switch.
      if (from === null || from === data.level) return;
      const a = hls.levels[from];
      const b = hls.levels[data.level];
      const manual = (hls as { autoLevelEnabled?: boolean }).autoLevelEnabled === false;
      const up = (b?.bitrate ?? 0) > (a?.bitrate ?? 0);
      tracker.record(
        PLAYBACK_EVENTS.qualitySwitch,
        {
          [ATTR_QUALITY_FROM]: levelLabel(a) ?? String(from),
          [ATTR_QUALITY_TO]: levelLabel(b) ?? String(data.level),
          [ATTR_SWITCH_REASON]: manual
            ? SWITCH_REASONS.manual
            : up
              ? SWITCH_REASONS.abrUp
              : SWITCH_REASONS.abrDown,
        },
        now(),
      );
    }),
    [EV.error]: guard.wrap(
      'hls.error',
      (_e: string, data: { type: string; details: string; fatal: boolean }) => {
        const t = now();
        if (!data.fatal && STALL_DETAILS.has(data.details)) return tracker.stalled(t);
        const view = tracker.ids().viewId;
        if (view !== lastView) {
          nonFatal.clear();
          lastView = view;
        }
        if (!data.fatal) {
          const n = (nonFatal.get(data.details) ?? 0) + 1;
          nonFatal.set(data.details, n);
          if (n > NON_FATAL_LIMIT) return;
        }
        tracker.error(t, data.type, data.details, data.fatal);
      },
    ),
    [EV.destroying]: guard.wrap('hls.destroying', () => deps.onDestroying()),
  };
  for (const [name, fn] of Object.entries(on)) hls.on(name as never, fn as never);

  return {
    quality: () => (current === null ? undefined : levelLabel(hls.levels[current])),
    bandwidth: (): number | undefined => {
      const bw = hls.bandwidthEstimate;
      return typeof bw === 'number' && Number.isFinite(bw) && bw > 0 ? Math.round(bw) : undefined;
    },
    unbind() {
      for (const [name, fn] of Object.entries(on)) hls.off(name as never, fn as never);
    },
  };
}
