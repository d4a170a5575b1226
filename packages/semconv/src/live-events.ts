// The live event of a view (issue 21), sent by the SDK's live entry only: its names live in their own module so the
// core SDK's bundle, which takes playback-events.ts whole, is not a byte heavier.

/**
 * A live view's figures so far (the SDK's live entry): its latency behind live (the server's clock minus the program
 * date time of the frame showing, the clock offset measured against the server), its catch-ups, DVR seeks and live
 * stalls. Sent every 10 s while playing and when the page goes away; each report is cumulative, the latest of a view
 * is its figure.
 */
export const LIVE_LATENCY_EVENT = 'content.live_latency';

/**
 * The live entry numbers its events of a view from here (the core from 0, the tracks entry from 9,000,000), so
 * (view id, seq) stays unique without the three sharing a counter.
 */
export const LIVE_LATENCY_SEQ_BASE = 8_000_000;
/** The latest latency behind live, ms. */
export const ATTR_LIVE_LATENCY_MS = 'content.live.latency_ms';
/** The view's median latency behind live so far, ms. */
export const ATTR_LIVE_LATENCY_P50_MS = 'content.live.latency_p50_ms';
/** The view's 95th-percentile latency behind live so far, ms. */
export const ATTR_LIVE_LATENCY_P95_MS = 'content.live.latency_p95_ms';
/** Latency samples behind the figures. */
export const ATTR_LIVE_LATENCY_SAMPLES = 'content.live.latency_samples';
/** The server's clock minus the browser's, ms (measured at the start, over the least-delayed of a few requests). */
export const ATTR_LIVE_CLOCK_OFFSET_MS = 'content.live.clock_offset_ms';
/** Times the player sped up to catch up with live (or was sent to live) in the view so far. */
export const ATTR_LIVE_CATCH_UPS = 'content.live.catch_ups';
/** Seeks far behind live (DVR) in the view so far. */
export const ATTR_LIVE_DVR_SEEKS = 'content.live.dvr_seeks';
/** Stalls while playing live in the view so far. */
export const ATTR_LIVE_STALLS = 'content.live.stalls';
/** Time to the first frame when the view joined the live stream, ms. */
export const ATTR_LIVE_JOIN_MS = 'content.live.join_ms';
