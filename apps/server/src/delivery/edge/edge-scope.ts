import { MEDIA_PREFIX } from '../../catalog/content-url.js';
import { MEDIA_LINK_PREFIX } from '../../catalog/media-links.js';
import type { DeliveryInstruments } from '../delivery-instruments.js';
import type { RequestPrelude } from '../http/request-prelude.js';
import type { EdgeCache } from './edge-cache.js';
import type { EdgeFetcher } from './edge-fetch.js';

/** The route the edge answers, as `http.route` names it. */
export const EDGE_ROUTE = `${MEDIA_PREFIX}*`;
/** The route of signed links (enrolled access). */
export const EDGE_LINK_ROUTE = `${MEDIA_LINK_PREFIX}*`;

/** What every step of an edge answer reads; built once per handler, never per request. */
export interface EdgeScope {
  readonly cache: EdgeCache;
  readonly fetcher: EdgeFetcher;
  readonly instruments: DeliveryInstruments;
  readonly prelude: RequestPrelude;
  /** The `Cache-Status` name of this edge. */
  readonly serverName: string;
  /** Origin fetches in flight at or above which answers carry CMSD duress. */
  readonly duressInflight: number;
  /** The `CMSD-Dynamic` value of an edge under duress, formatted once. */
  readonly duress: string;
}
