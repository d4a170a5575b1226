// Runs inside the test page (a classic script, after hls.min.js): an hls.js player on the page's <video>
// whose state the test reads with page.evaluate(() => globalThis.e2e.state()). Times are page clock ms.
/* global document, Hls */
(() => {
  const video = document.querySelector('video');
  const s = {
    loadStartMs: null,
    firstFrameMs: null,
    seekTarget: null,
    seekStartMs: null,
    seekPlayingMs: null,
    seekPastMs: null,
    errors: [],
    frags: [],
    fragStages: [],
    manifestMs: null,
    playRejected: null,
  };
  const now = () => performance.now();

  function onTime() {
    const t = video.currentTime;
    if (s.firstFrameMs === null && s.loadStartMs !== null && t > 0) s.firstFrameMs = now() - s.loadStartMs;
    // Played on from the seek point: the clock moved past it, not just landed on it.
    if (s.seekTarget !== null && !video.seeking && !video.paused && t > s.seekTarget) {
      if (s.seekPlayingMs === null) s.seekPlayingMs = now() - s.seekStartMs;
      if (s.seekPastMs === null && t > s.seekTarget + 1) s.seekPastMs = now() - s.seekStartMs;
    }
  }
  video.addEventListener('timeupdate', onTime);
  video.addEventListener('playing', onTime);

  globalThis.e2e = {
    supported: () => Hls.isSupported(),
    start(url, config) {
      const hls = new Hls(config);
      hls.on(Hls.Events.ERROR, (_event, data) => {
        s.errors.push({
          at: Math.round(now()),
          type: data.type,
          details: data.details,
          fatal: data.fatal,
          message: data.error ? String(data.error.message) : null,
          reason: data.reason ?? null,
          url: data.frag?.url ?? data.context?.url ?? data.url ?? null,
          status: data.response?.code ?? null,
          statusText: data.response?.text ?? null,
        });
      });
      hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
        s.frags.push({
          sn: data.frag.sn,
          at: Math.round(now()),
          ms: Math.round(data.frag.stats.loading.end - data.frag.stats.loading.start),
          bytes: data.frag.stats.loaded,
        });
      });
      // Where the first fragment's time goes, ms after loadSource: requested, first byte, loaded, transmuxed,
      // first append. Recorded as each event fires (FRAG_BUFFERED may come after the first frame).
      const rel = (t) => (t > 0 ? Math.round(t - s.loadStartMs) : null);
      const stage = (sn) => {
        let f = s.fragStages.find((x) => x.sn === sn);
        if (!f)
          s.fragStages.push(
            (f = { sn, requested: null, firstByte: null, loaded: null, parsed: null, appended: null }),
          );
        return f;
      };
      hls.on(Hls.Events.FRAG_LOADING, (_event, data) => {
        if (data.frag.type === 'main') stage(data.frag.sn).requested = rel(now());
      });
      hls.on(Hls.Events.FRAG_LOADED, (_event, data) => {
        if (data.frag.type !== 'main') return;
        const f = stage(data.frag.sn);
        f.firstByte = rel(data.frag.stats.loading.first);
        f.loaded = rel(data.frag.stats.loading.end);
      });
      hls.on(Hls.Events.FRAG_PARSED, (_event, data) => {
        if (data.frag.type === 'main') stage(data.frag.sn).parsed = rel(now());
      });
      hls.on(Hls.Events.BUFFER_APPENDED, (_event, data) => {
        const f = data.frag && data.frag.type === 'main' ? stage(data.frag.sn) : null;
        if (f && f.appended === null) f.appended = rel(now());
      });
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        if (s.manifestMs === null) s.manifestMs = Math.round(now() - s.loadStartMs);
      });
      hls.attachMedia(video);
      video.muted = true;
      s.loadStartMs = now();
      hls.loadSource(url);
      video.play().catch((err) => {
        s.playRejected = String(err);
      });
    },
    seek(seconds) {
      s.seekTarget = seconds;
      s.seekStartMs = now();
      video.currentTime = seconds;
    },
    state() {
      const buffered = [];
      for (let i = 0; i < video.buffered.length; i++)
        buffered.push([video.buffered.start(i), video.buffered.end(i)]);
      return {
        ...s,
        currentTime: video.currentTime,
        paused: video.paused,
        seeking: video.seeking,
        readyState: video.readyState,
        mediaError: video.error ? { code: video.error.code, message: video.error.message } : null,
        buffered,
      };
    },
  };
})();
