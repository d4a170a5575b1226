// Runs inside bench/sdk's startup page (a classic script, after hls.min.js, the SDK's IIFE when measured, and
// e2e/support/playhead-truth.js): an hls.js player on the page's <video>, with or without
// CoursecastPlayerSDK.monitor() attached before loadSource (as the watch page does); variant `noBeacons`
// attaches it with a transport that sends nothing (the SDK's work in the page, none of its requests).
// start() attaches the
// media; once attached it loads the source and calls play() through the truth probe, which notes the time of
// the call and, polling every 4 ms, the first move of the playhead. Times are performance.now() ms.
/* global document, window, Hls, CoursecastPlayerSDK */
(() => {
  const video = document.querySelector('video');
  // levels: the rendition of each media fragment loaded, in order (a switch before the first frame costs a
  // playlist and an init segment more).
  const s = { startAt: null, errors: [], mediaError: null, marks: {}, levels: [] };
  // The first time each stage of the path to the first frame was reached (page clock).
  const mark = (name) => {
    if (s.marks[name] === undefined) s.marks[name] = performance.now();
  };
  video.addEventListener('playing', () => mark('playing'));
  let handle = null;

  video.addEventListener('error', () => {
    const e = video.error;
    s.mediaError = e ? { code: e.code, message: e.message } : { code: 0, message: 'unknown' };
  });

  window.startupBench = {
    supported: () => Hls.isSupported(),
    start(url, variant, content) {
      s.startAt = performance.now();
      video.muted = true;
      const hls = new Hls();
      hls.on(Hls.Events.ERROR, (_event, data) => {
        s.errors.push({ type: data.type, details: data.details, fatal: data.fatal });
      });
      hls.on(Hls.Events.MANIFEST_PARSED, () => mark('manifestParsed'));
      hls.on(Hls.Events.LEVEL_LOADED, () => mark('levelLoaded'));
      hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
        if (data.frag.sn === 'initSegment') return;
        mark('fragLoaded');
        if (window.playheadTruth.firstMoveAt === null) s.levels.push(data.frag.level);
      });
      hls.on(Hls.Events.FRAG_BUFFERED, () => mark('fragBuffered'));
      if (variant === 'with') handle = CoursecastPlayerSDK.monitor(video, { hls, content });
      if (variant === 'noBeacons') {
        const stats = () => ({ sent: 0, dropped: 0, retried: 0, queued: 0 });
        const transport = { event() {}, span() {}, flush() {}, destroy() {}, stats };
        handle = CoursecastPlayerSDK.monitor(video, { hls, content, transport });
      }
      hls.once(Hls.Events.MEDIA_ATTACHED, () => {
        hls.loadSource(url);
        window.playheadTruth.play();
      });
      hls.attachMedia(video);
    },
    state() {
      const t = window.playheadTruth;
      return {
        startAt: s.startAt,
        marks: s.marks,
        levels: s.levels,
        playCalledAt: t.playCalledAt,
        firstMoveAt: t.firstMoveAt,
        samples: t.samples,
        errors: s.errors,
        mediaError: s.mediaError,
        currentTime: video.currentTime,
        viewId: handle ? handle.viewId : null,
        stats: handle ? handle.stats() : null,
      };
    },
  };
})();
