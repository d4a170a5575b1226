import {
  ATTR_CDN_CACHE_STATUS,
  ATTR_CDN_CMCD_SOURCE,
  ATTR_CDN_EVICTION_REASON,
  ATTR_CMCD_OBJECT_TYPE,
  ATTR_CONTENT_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from './cdn-attributes.js';
import { ATTR_ERROR_TYPE } from './attributes.js';
import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';

/** Requests answered by the edge (or the origin when no edge runs), by cache status and object class. */
export const METRIC_CDN_REQUESTS = {
  name: 'cdn.requests',
  instrument: INSTRUMENTS.counter,
  unit: '{request}',
  description:
    'Delivery requests by cache status and content type; hit ratio = HIT / all (STALE counts as served from cache)',
  attributes: [ATTR_CDN_CACHE_STATUS, ATTR_CONTENT_TYPE],
} as const satisfies MetricDefinition;

/** Body bytes sent to clients, by cache status. */
export const METRIC_CDN_EGRESS = {
  name: 'cdn.egress',
  instrument: INSTRUMENTS.counter,
  unit: 'By',
  description: 'Response body bytes sent to clients by cache status (byte hit ratio = HIT bytes / all bytes)',
  attributes: [ATTR_CDN_CACHE_STATUS],
} as const satisfies MetricDefinition;

/** Edge → origin round trips. */
export const METRIC_CDN_ORIGIN_FETCH_DURATION = {
  name: 'cdn.origin_fetch.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description:
    'Time from the edge sending an origin request to the last body byte (misses and revalidations; one per fetch, not per waiting request)',
  attributes: [ATTR_CONTENT_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_ERROR_TYPE],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
} as const satisfies MetricDefinition;

/** Origin fetches that failed. */
export const METRIC_CDN_ORIGIN_ERRORS = {
  name: 'cdn.origin_fetch.errors',
  instrument: INSTRUMENTS.counter,
  unit: '{error}',
  description: 'Origin fetches that timed out, could not connect, broke off or answered 5xx',
  attributes: [ATTR_ERROR_TYPE],
} as const satisfies MetricDefinition;

/** Requests that joined a fetch already in flight instead of starting their own. */
export const METRIC_CDN_COALESCED = {
  name: 'cdn.origin_fetch.coalesced',
  instrument: INSTRUMENTS.counter,
  unit: '{request}',
  description: 'Requests that waited on an origin fetch already in flight for the same object',
  attributes: [],
} as const satisfies MetricDefinition;

/** Bytes held by the edge cache. */
export const METRIC_CDN_CACHE_SIZE = {
  name: 'cdn.cache.size',
  instrument: INSTRUMENTS.observableGauge,
  unit: 'By',
  description: 'Bytes of response bodies held in the edge cache’s memory',
  attributes: [],
} as const satisfies MetricDefinition;

/** The configured bound of the edge cache. */
export const METRIC_CDN_CACHE_CAPACITY = {
  name: 'cdn.cache.capacity',
  instrument: INSTRUMENTS.observableGauge,
  unit: 'By',
  description: 'The edge cache’s configured size bound',
  attributes: [],
} as const satisfies MetricDefinition;

/** Objects held by the edge cache. */
export const METRIC_CDN_CACHE_OBJECTS = {
  name: 'cdn.cache.objects',
  instrument: INSTRUMENTS.observableGauge,
  unit: '{object}',
  description: 'Objects held in the edge cache',
  attributes: [],
} as const satisfies MetricDefinition;

/** Objects removed from the edge cache. */
export const METRIC_CDN_CACHE_EVICTIONS = {
  name: 'cdn.cache.evictions',
  instrument: INSTRUMENTS.counter,
  unit: '{object}',
  description: 'Objects removed from the edge cache: least recently used under the size bound, or purged',
  attributes: [ATTR_CDN_EVICTION_REASON],
} as const satisfies MetricDefinition;

/** CMCD that could not be parsed (the object is served anyway). */
export const METRIC_CDN_CMCD_ERRORS = {
  name: 'cdn.cmcd.errors',
  instrument: INSTRUMENTS.counter,
  unit: '{request}',
  description: 'Requests whose CMCD query or headers could not be parsed (the object was still served)',
  attributes: [ATTR_CDN_CMCD_SOURCE],
} as const satisfies MetricDefinition;

/**
 * What players say in CMCD on every request they send, traced or not: the spans of sampled requests carry the
 * details, these carry the whole population (bounded attributes: the object type token only).
 */
export const METRIC_CDN_CMCD_BUFFER_LENGTH = {
  name: 'cdn.cmcd.buffer_length',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Player buffer length (CMCD bl) at each request that carried it, by object type',
  attributes: [ATTR_CMCD_OBJECT_TYPE],
  buckets: [0.5, 1, 2, 4, 6, 8, 10, 15, 20, 30, 45, 60],
} as const satisfies MetricDefinition;

/** The bitrate of the object a player requested (CMCD br). */
export const METRIC_CDN_CMCD_BITRATE = {
  name: 'cdn.cmcd.bitrate',
  instrument: INSTRUMENTS.histogram,
  unit: 'kbit/s',
  description: 'Encoded bitrate of the requested object (CMCD br), by object type',
  attributes: [ATTR_CMCD_OBJECT_TYPE],
  buckets: [100, 250, 500, 800, 1200, 1800, 2500, 3500, 5000, 8000, 12000, 20000],
} as const satisfies MetricDefinition;

/** Requests on which the player said its buffer ran dry since the last one (CMCD bs). */
export const METRIC_CDN_CMCD_STARVATIONS = {
  name: 'cdn.cmcd.buffer_starvations',
  instrument: INSTRUMENTS.counter,
  unit: '{request}',
  description:
    'Requests whose CMCD said the buffer was starved since the previous request (bs), by object type',
  attributes: [ATTR_CMCD_OBJECT_TYPE],
} as const satisfies MetricDefinition;

/** OTel's standard HTTP server duration, for every route (delivery and API). */
export const METRIC_HTTP_SERVER_REQUEST_DURATION = {
  name: 'http.server.request.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Duration of HTTP server requests (OTel HTTP semantic conventions)',
  attributes: [
    ATTR_HTTP_REQUEST_METHOD,
    ATTR_HTTP_ROUTE,
    ATTR_HTTP_RESPONSE_STATUS_CODE,
    ATTR_CDN_CACHE_STATUS,
  ],
  // The boundaries the OTel HTTP conventions recommend.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
} as const satisfies MetricDefinition;

/** Every delivery metric, in catalog order. */
export const CDN_METRICS: readonly MetricDefinition[] = [
  METRIC_CDN_REQUESTS,
  METRIC_CDN_EGRESS,
  METRIC_CDN_ORIGIN_FETCH_DURATION,
  METRIC_CDN_ORIGIN_ERRORS,
  METRIC_CDN_COALESCED,
  METRIC_CDN_CACHE_SIZE,
  METRIC_CDN_CACHE_CAPACITY,
  METRIC_CDN_CACHE_OBJECTS,
  METRIC_CDN_CACHE_EVICTIONS,
  METRIC_CDN_CMCD_ERRORS,
  METRIC_CDN_CMCD_BUFFER_LENGTH,
  METRIC_CDN_CMCD_BITRATE,
  METRIC_CDN_CMCD_STARVATIONS,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
];
