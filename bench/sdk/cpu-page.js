// Runs inside bench/sdk's CPU page (a classic script, after the SDK's IIFE when the SDK is measured): a real
// <video>, an hls.js-shaped object (packages/player-sdk/src/hls-types.ts HlsLike) whose loader class answers
// every load() at once, and a loop of request completions: `new hls.config.loader(cfg).load(ctx, cfg, cbs)`.
// With the SDK, monitor() has wrapped config.loader first, so each completion is one traced request: a client
// span and a `content.request` event, batched and posted by the SDK's transport to this page's origin.
// Without it, the same loop runs on the bare loader: the baseline. Times are performance.now() ms.
/* global document, location, window, CoursecastPlayerSDK */
(() => {
  const video = document.querySelector('video');
  const listeners = new Map();
  // What an XHR answer looks like to the SDK: a status and the two headers it reads.
  const details = {
    status: 200,
    getResponseHeader(name) {
      if (name === 'cache-status') return 'coursecast-edge; hit';
      if (name === 'traceresponse') return '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      return null;
    },
  };

  class InstantLoader {
    constructor() {
      this.context = null;
      this.stats = null;
    }
    load(context, _config, callbacks) {
      this.context = context;
      const t = performance.now();
      this.stats = {
        aborted: false,
        loaded: 180_000,
        total: 180_000,
        retry: 0,
        loading: { start: t - 40, first: t - 25, end: t },
      };
      callbacks.onSuccess({ url: context.url, data: null }, this.stats, context, details);
    }
    abort() {}
    destroy() {}
    getCacheAge() {
      return null;
    }
    getResponseHeader(name) {
      return details.getResponseHeader(name);
    }
  }

  const hls = {
    on(event, fn) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(fn);
    },
    off(event, fn) {
      listeners.get(event)?.delete(fn);
    },
    emit(event, data) {
      for (const fn of listeners.get(event) ?? []) fn(event, data);
    },
    config: { loader: InstantLoader, cmcd: undefined },
    levels: [
      { bitrate: 400_000, width: 426, height: 240 },
      { bitrate: 800_000, width: 640, height: 360 },
    ],
    bandwidthEstimate: 2_000_000,
    autoLevelEnabled: true,
    sessionId: 'bench-session',
    media: video,
  };

  let handle = null;
  let flushMs = 0;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  window.sdkCpu = {
    /** monitor() (when `withSdk`), a manifest load, the first rendition, and a play intent: a live view. */
    async setup(withSdk, flush) {
      flushMs = flush;
      const url = `${location.origin}/media/bench/1/master.m3u8`;
      if (withSdk) {
        handle = CoursecastPlayerSDK.monitor(video, {
          hls,
          content: { courseId: 'crs_bench', itemId: 'itm_bench', planMode: 'vod' },
          flushMs,
          storage: null,
        });
      }
      hls.emit('hlsManifestLoading', { url });
      hls.emit('hlsLevelSwitched', { level: 1 });
      video.muted = true;
      // No source: play() stays pending, but `play` fires, which is the SDK's play intent.
      video.play().catch(() => {});
      await sleep(50);
      return { viewId: handle ? handle.viewId : null, stats: handle ? handle.stats() : null };
    },

    /**
     * `total` request completions, `chunk` at a time; with the SDK, after each chunk, waits for its transport to
     * have sent everything (so its queue never drops). `loopMs`: the completions alone; `wallMs`: the window.
     */
    async run(total, chunk) {
      const cfg = {};
      let answered = 0;
      const callbacks = {
        onSuccess() {
          answered++;
        },
        onError() {},
        onTimeout() {},
        onAbort() {},
      };
      const base = `${location.origin}/media/bench/1/360p/seg_`;
      let loopMs = 0;
      let drainMs = 0;
      let i = 0;
      const t0 = performance.now();
      while (i < total) {
        const end = Math.min(total, i + chunk);
        const a = performance.now();
        for (; i < end; i++) {
          const loader = new hls.config.loader(cfg);
          const context = {
            url: `${base}${String(i).padStart(5, '0')}.m4s`,
            type: undefined,
            responseType: 'arraybuffer',
            frag: { type: 'main', sn: i, level: 1, duration: 2 },
          };
          loader.load(context, cfg, callbacks);
        }
        const b = performance.now();
        loopMs += b - a;
        if (handle) {
          // The transport sends on its timer (flushMs): no point looking before it fired.
          await sleep(flushMs);
          while (handle.stats().queued > 0) await sleep(5);
          drainMs += performance.now() - b;
        }
      }
      return {
        loopMs,
        drainMs,
        wallMs: performance.now() - t0,
        answered,
        stats: handle ? handle.stats() : null,
      };
    },
  };
})();
