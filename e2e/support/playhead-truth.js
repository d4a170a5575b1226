// The test's own measurement of playback, independent of the player SDK, injected into the page before its
// scripts run: it samples the page's <video> every 4 ms and records when the playhead first moved after the
// test's play() call and every stall (the playhead standing still while it should play). The SDK samples
// every 25 ms; this is the reference it is compared with. A move is dated by how far the playhead got since
// the sample before (it runs at the playback rate), so a late timer does not shift it; the time the move
// was seen is kept too. Times are performance.now() ms.
/* global document, window */
(() => {
  let startPos = 0;
  let lastPos = -1;
  let lastMoveAt = 0;
  let stillSince = null;
  let lastSampleAt = 0;
  const s = {
    playCalledAt: null,
    firstMoveAt: null,
    firstMoveSeenAt: null,
    /** Finished stalls: [start (the last move), end (the first move again)]. */
    stalls: [],
    samples: 0,
    /** When the page handled the 'play' event (the SDK's play intent), and the event's own time stamp. */
    playEvent: null,
    /** The first samples after play() as [time, position], to tell a late timer from a playhead that jumps. */
    early: [],
    play() {
      const v = document.querySelector('video');
      if (!v) throw new Error('no <video> on the page');
      startPos = v.currentTime;
      s.playCalledAt = performance.now();
      void v.play();
    },
  };
  window.playheadTruth = s;
  document.addEventListener(
    'play',
    (e) => {
      if (s.playEvent === null) s.playEvent = { handledAt: performance.now(), stamp: e.timeStamp };
    },
    true,
  );
  setInterval(() => {
    const v = document.querySelector('video');
    if (!v) return;
    const now = performance.now();
    const pos = v.currentTime;
    const rate = v.playbackRate || 1;
    s.samples++;
    // The first 4 samples after play(), then the first 8 with the playhead moved.
    if (s.playCalledAt !== null && s.early.length < 12 && (s.early.length < 4 || pos > startPos))
      s.early.push([Math.round(now), pos]);
    if (s.playCalledAt !== null && s.firstMoveAt === null && !v.paused && pos > startPos) {
      s.firstMoveSeenAt = now;
      s.firstMoveAt = Math.max(lastSampleAt, now - ((pos - startPos) * 1000) / rate);
      lastPos = pos;
      lastMoveAt = now;
      lastSampleAt = now;
      return;
    }
    const prevSampleAt = lastSampleAt;
    lastSampleAt = now;
    if (s.firstMoveAt === null) return;
    const shouldPlay = !v.paused && !v.seeking && !v.ended;
    if (pos !== lastPos) {
      // Frames advance the clock in steps; only a stand-still longer than a few frames is a stall.
      const resumedAt = Math.max(prevSampleAt, now - ((pos - lastPos) * 1000) / rate);
      if (stillSince !== null && resumedAt - stillSince > 200) s.stalls.push([stillSince, resumedAt]);
      stillSince = null;
      lastPos = pos;
      lastMoveAt = now;
    } else if (shouldPlay && stillSince === null) {
      stillSince = lastMoveAt;
    } else if (!shouldPlay) {
      stillSince = null;
    }
  }, 4);
})();
