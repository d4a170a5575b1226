/**
 * Attribute keys of delivery: the origin, the edge cache and the CMCD a player sends with each request
 * (seed: content.serve_request / content.origin_fetch).
 */

// --- content.* on delivery spans ------------------------------------------------------------------
/** Request path of a served object (spans only: unbounded). */
export const ATTR_CONTENT_PATH = 'content.path';
/** Class of a served object (bounded: see CONTENT_OBJECT_TYPES). */
export const ATTR_CONTENT_TYPE = 'content.type';
/** Catalog id of the item an object belongs to (spans only: unbounded). */
export const ATTR_CONTENT_ITEM_ID = 'content.item_id';

// --- cdn.* : the edge -------------------------------------------------------------------------------
/** HIT, MISS, EXPIRED or STALE (see CDN_CACHE_STATUSES). */
export const ATTR_CDN_CACHE_STATUS = 'cdn.cache_status';
/** `edge` when the body came from the edge's memory, `origin` when it was fetched for this request. */
export const ATTR_CDN_SERVED_FROM = 'cdn.served_from';
/** The origin's region, from config. */
export const ATTR_CDN_ORIGIN_REGION = 'cdn.origin_region';
/** Time from sending the origin request to its last body byte, in milliseconds. */
export const ATTR_CDN_ORIGIN_LATENCY_MS = 'cdn.origin_latency_ms';
/** True when this request waited on another request's origin fetch for the same object. */
export const ATTR_CDN_COALESCED = 'cdn.coalesced';
/** Why a stale object was served: `stale-while-revalidate` or `stale-if-error`. */
export const ATTR_CDN_STALE_REASON = 'cdn.stale_reason';
/** Why an object left the cache (bounded: see CDN_EVICTION_REASONS). */
export const ATTR_CDN_EVICTION_REASON = 'cdn.eviction_reason';
/** The CMCD transmission a request used: `query`, `header` (bounded). */
export const ATTR_CDN_CMCD_SOURCE = 'cdn.cmcd.source';

// --- coursecast.test.* : test-only hooks (COURSECAST_TEST_FAULTS), never seen in production ------------
/** A test fault rule changed this answer: `delay` (served late) or `status` (failed on purpose). */
export const ATTR_TEST_FAULT = 'coursecast.test.fault';
/** Values of ATTR_TEST_FAULT. */
export const TEST_FAULT_KINDS = { delay: 'delay', status: 'status' } as const;
export type TestFaultKind = (typeof TEST_FAULT_KINDS)[keyof typeof TEST_FAULT_KINDS];

// --- cmcd.* : what the player said about itself (CTA-5004), on request spans only ------------------
/** CMCD `cid`: the player's content id. */
export const ATTR_CMCD_CONTENT_ID = 'cmcd.content_id';
/** CMCD `ot`: object type (m, a, v, av, i, c, tt, k, o). */
export const ATTR_CMCD_OBJECT_TYPE = 'cmcd.object_type';
/** CMCD `br`: encoded bitrate of the requested object, kbps. */
export const ATTR_CMCD_BITRATE_KBPS = 'cmcd.bitrate_kbps';
/** CMCD `bl`: buffer length when the request was made, ms. */
export const ATTR_CMCD_BUFFER_LENGTH_MS = 'cmcd.buffer_length_ms';
/** CMCD `mtp`: throughput the player measured, kbps. */
export const ATTR_CMCD_MEASURED_THROUGHPUT_KBPS = 'cmcd.measured_throughput_kbps';
/** CMCD `tb`: top bitrate the player may choose, kbps. */
export const ATTR_CMCD_TOP_BITRATE_KBPS = 'cmcd.top_bitrate_kbps';
/** CMCD `d`: object duration, ms. */
export const ATTR_CMCD_OBJECT_DURATION_MS = 'cmcd.object_duration_ms';
/** CMCD `dl`: deadline before the buffer runs dry, ms. */
export const ATTR_CMCD_DEADLINE_MS = 'cmcd.deadline_ms';
/** CMCD `bs`: the buffer was empty at some point since the last request. */
export const ATTR_CMCD_BUFFER_STARVATION = 'cmcd.buffer_starvation';
/** CMCD `su`: the object is needed for startup, seek or recovery. */
export const ATTR_CMCD_STARTUP = 'cmcd.startup';
/** CMCD `st`: stream type, `v` (VOD) or `l` (live). */
export const ATTR_CMCD_STREAM_TYPE = 'cmcd.stream_type';
/** CMCD `sf`: streaming format, `h` (HLS), `d` (DASH)... */
export const ATTR_CMCD_STREAMING_FORMAT = 'cmcd.streaming_format';
/** CMCD `pr`: playback rate (1 = real time). */
export const ATTR_CMCD_PLAYBACK_RATE = 'cmcd.playback_rate';
/** CMCD `rtp`: throughput the player requests for this object, kbps. */
export const ATTR_CMCD_REQUESTED_THROUGHPUT_KBPS = 'cmcd.requested_throughput_kbps';
/** CMCD `nor`: the next object the player will request (relative URL). */
export const ATTR_CMCD_NEXT_OBJECT = 'cmcd.next_object_request';
/** CMCD `v`: the CMCD version the player speaks. */
export const ATTR_CMCD_VERSION = 'cmcd.version';

// --- standard OTel keys used on delivery spans and metrics ------------------------------------------
/** OTel `session.id`: CMCD `sid`, the playback session. */
export const ATTR_SESSION_ID = 'session.id';
/** OTel `http.request.method`. */
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
/** OTel `http.response.status_code`. */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
/** OTel `http.route`: the matched route template (bounded). */
export const ATTR_HTTP_ROUTE = 'http.route';
/** OTel `http.response.body.size`, bytes. */
export const ATTR_HTTP_RESPONSE_BODY_SIZE = 'http.response.body.size';
/** OTel `url.path`. */
export const ATTR_URL_PATH = 'url.path';
/** OTel `url.full` (client spans). */
export const ATTR_URL_FULL = 'url.full';
/** OTel `user_agent.original`. */
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original';
