// The learner's progress in a lecture, for a page opened from an LMS with a learner session (a separate entry of
// the SDK, `@coursecast/player-sdk/progress`: pages without a learner never load it). It notes the spans the
// video actually played (a seek ends one, so skipping ahead is not watching) and reports them with the position
// every `flushMs`, on pause and end, and when the page goes away; what a failed report carried is sent again
// with the next.

/** The server's answer to a report (LectureProgressResponse). */
export interface ProgressAnswer {
  positionSeconds: number;
  resumeAt: number | null;
  watchedSeconds: number;
  durationSeconds: number;
  completion: number;
  completed: boolean;
  threshold: number;
}

/** What the tracker watches. */
export interface ProgressVideo {
  readonly currentTime: number;
  readonly paused: boolean;
  readonly seeking: boolean;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface LectureProgressOptions {
  video: ProgressVideo;
  /** `/api/learners/:learnerId/items/:itemId/progress`. */
  url: string;
  /** The learner session (sent as `Authorization: Bearer`). */
  session: string;
  /** Report period, ms (default 10 000). */
  flushMs?: number;
  /** Told of each answer (e.g. to show the completion). */
  onAnswer?: (answer: ProgressAnswer) => void;
  fetch?: typeof fetch;
  /** The page, for its `pagehide` (default: globalThis). */
  page?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/** A running tracker. */
export interface LectureProgressHandle {
  /** Reports now; resolves with the answer (null when it failed). */
  flush(keepalive?: boolean): Promise<ProgressAnswer | null>;
  /** Reports what is left and stops. */
  stop(): void;
}

/** A played jump longer than this between two time updates is a seek the browser did not announce. */
const MAX_STEP_S = 1.5;
/** Spans kept while reports fail: the server takes at most 100 per report. */
const MAX_SPANS = 100;

/** Starts tracking `video`'s progress and reporting it. */
export function trackLectureProgress(o: LectureProgressOptions): LectureProgressHandle {
  const doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  const page = o.page ?? globalThis;
  let spans: [number, number][] = [];
  let open: [number, number] | null = null;
  let last = -1;
  let stopped = false;

  const close = (): void => {
    if (open && open[1] > open[0]) spans.push([Math.floor(open[0]), Math.ceil(open[1])]);
    open = null;
  };
  const onTime = (): void => {
    const t = o.video.currentTime;
    if (o.video.paused || o.video.seeking || last < 0 || t < last || t - last > MAX_STEP_S) {
      close();
      last = t;
      return;
    }
    open = open ? [open[0], t] : [last, t];
    last = t;
  };
  const onBreak = (): void => {
    close();
    last = -1;
  };

  async function flush(keepalive = false): Promise<ProgressAnswer | null> {
    close();
    const sending = spans.slice(-MAX_SPANS);
    spans = [];
    try {
      const res = await doFetch(o.url, {
        method: 'PUT',
        keepalive,
        headers: { authorization: `Bearer ${o.session}`, 'content-type': 'application/json' },
        body: JSON.stringify({ positionSeconds: o.video.currentTime, watched: sending }),
      });
      if (!res.ok) throw new Error(String(res.status));
      const answer = (await res.json()) as ProgressAnswer;
      o.onAnswer?.(answer);
      return answer;
    } catch {
      // Sent again with the next report.
      spans = [...sending, ...spans].slice(-MAX_SPANS);
      return null;
    }
  }

  const onPause = (): void => {
    onBreak();
    void flush();
  };
  const onHide = (): void => void flush(true);
  const timer = setInterval(() => void flush(), o.flushMs ?? 10_000);
  const events: [string, () => void][] = [
    ['timeupdate', onTime],
    ['seeking', onBreak],
    ['pause', onPause],
    ['ended', onPause],
  ];
  for (const [type, fn] of events) o.video.addEventListener(type, fn);
  page.addEventListener('pagehide', onHide);
  return {
    flush,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      for (const [type, fn] of events) o.video.removeEventListener(type, fn);
      page.removeEventListener('pagehide', onHide);
      void flush(true);
    },
  };
}
