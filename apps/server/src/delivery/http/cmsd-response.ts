import {
  CmsdObjectType,
  CmsdStreamingFormat,
  encodeCmsdDynamic,
  encodeCmsdStatic,
  type CmsdDynamicParams,
  type CmsdStatic,
} from '@svta/cml-cmsd';
import { SfItem } from '@svta/cml-structured-field-values';
import { CONTENT_OBJECT_TYPES, type ContentObjectType } from '@coursecast/semconv';

/** What a CMSD-Static value describes: one delivered object. */
export interface CmsdStaticInput {
  objectType: ContentObjectType;
  /** `v`: every segment is available (VOD); `l`: segments appear over time (live). */
  streamType: 'v' | 'l';
  /** Encoded bitrate of the object; sent only when a finite positive number (rounded to an integer). */
  bitrateKbps?: number;
  /** Playback duration of the object; sent only when a finite positive number (rounded to an integer). */
  durationMs?: number;
}

/** What a CMSD-Dynamic value describes: this server, for the hop it answers. */
export interface CmsdDynamicInput {
  /** This server's name (config `serverName`): printable ASCII, sent as a structured-field string. */
  server: string;
  /** The server is overloaded (e.g. its origin queue is long): players should move elsewhere if they can. */
  duress: boolean;
  /** Sent only when a finite positive number (rounded to an integer). */
  estimatedThroughputKbps?: number;
  /** Sent only when a finite non-negative number (rounded to an integer). */
  rttMs?: number;
}

const CMSD_OT: Record<ContentObjectType, CmsdObjectType> = {
  [CONTENT_OBJECT_TYPES.playlist]: CmsdObjectType.MANIFEST,
  [CONTENT_OBJECT_TYPES.init]: CmsdObjectType.INIT,
  [CONTENT_OBJECT_TYPES.videoSegment]: CmsdObjectType.VIDEO,
  [CONTENT_OBJECT_TYPES.audioSegment]: CmsdObjectType.AUDIO,
  [CONTENT_OBJECT_TYPES.captions]: CmsdObjectType.CAPTION,
  [CONTENT_OBJECT_TYPES.image]: CmsdObjectType.OTHER,
  [CONTENT_OBJECT_TYPES.document]: CmsdObjectType.OTHER,
  [CONTENT_OBJECT_TYPES.interactive]: CmsdObjectType.OTHER,
  [CONTENT_OBJECT_TYPES.source]: CmsdObjectType.MUXED,
  [CONTENT_OBJECT_TYPES.other]: CmsdObjectType.OTHER,
};

// The objects of an HLS presentation (our captions are WebVTT subtitle segments). CTA-5006: `sf` MUST
// NOT be sent when the format is unknown, so documents, images and pages go without it.
const HLS_OBJECTS: ReadonlySet<ContentObjectType> = new Set([
  CONTENT_OBJECT_TYPES.playlist,
  CONTENT_OBJECT_TYPES.init,
  CONTENT_OBJECT_TYPES.videoSegment,
  CONTENT_OBJECT_TYPES.audioSegment,
  CONTENT_OBJECT_TYPES.captions,
]);

// Both keyed by small bounded sets in practice; the cap only guards against a caller passing free text.
const CACHE_LIMIT = 64;
const staticCache = new Map<string, string>();
const dynamicCache = new Map<string, string>();

function remember(cache: Map<string, string>, key: string, value: string): string {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function positiveInteger(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const rounded = Math.round(value);
  return rounded > 0 ? rounded : undefined;
}

function encodeStatic(input: CmsdStaticInput, br: number | undefined, d: number | undefined): string {
  const cmsd: CmsdStatic = { ot: CMSD_OT[input.objectType] ?? CmsdObjectType.OTHER };
  if (HLS_OBJECTS.has(input.objectType)) cmsd.sf = CmsdStreamingFormat.HLS;
  cmsd.st = input.streamType;
  if (br !== undefined) cmsd.br = br;
  if (d !== undefined) cmsd.d = d;
  // `v` is not set: CTA-5006 says to omit it for version 1, and the library drops `v=1` anyway.
  return encodeCmsdStatic(cmsd);
}

/** CMSD-Static value for a delivered object. */
export function cmsdStaticValue(input: CmsdStaticInput): string {
  const br = positiveInteger(input.bitrateKbps);
  const d = positiveInteger(input.durationMs);
  if (br !== undefined || d !== undefined) return encodeStatic(input, br, d);
  const key = `${input.objectType}|${input.streamType}`;
  return staticCache.get(key) ?? remember(staticCache, key, encodeStatic(input, undefined, undefined));
}

function checkServer(server: string): void {
  // A structured-field string holds printable ASCII only; the library would emit anything it is given.
  if (!/^[\x20-\x7e]{1,256}$/.test(server)) {
    throw new RangeError(
      `CMSD server name must be 1 to 256 printable ASCII characters, got ${JSON.stringify(server)}`,
    );
  }
}

function encodeDynamic(server: string, params: CmsdDynamicParams): string {
  // The list form: @svta/cml-cmsd 1.1's (server, cmsd) form declares CmsdDynamic ({ value, params }) but
  // serializes its argument as the parameters themselves, so only a cast would compile there.
  return encodeCmsdDynamic([new SfItem(server, params)]);
}

/** CMSD-Dynamic value from one server hop; `duress` true when that server is overloaded (e.g. its origin queue is long). */
export function cmsdDynamicValue(input: CmsdDynamicInput): string {
  const etp = positiveInteger(input.estimatedThroughputKbps);
  const rtt =
    input.rttMs !== undefined && Number.isFinite(input.rttMs) && input.rttMs >= 0
      ? Math.round(input.rttMs)
      : undefined;
  const params: CmsdDynamicParams = {};
  // CTA-5006: `du` MUST NOT be sent when false (the library would write `du=?0`).
  if (input.duress) params.du = true;
  if (etp !== undefined) params.etp = etp;
  if (rtt !== undefined) params.rtt = rtt;
  if (etp !== undefined || rtt !== undefined) {
    checkServer(input.server);
    return encodeDynamic(input.server, params);
  }
  const key = `${input.duress ? 'du' : '-'}|${input.server}`;
  const cached = dynamicCache.get(key);
  if (cached !== undefined) return cached;
  checkServer(input.server);
  return remember(dynamicCache, key, encodeDynamic(input.server, params));
}
