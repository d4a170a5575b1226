// The nginx sites the tests and benchmarks run (docs/operations.md documents the edge): a caching edge in front
// of a coursecast origin, plain or checking signed media links, and a tuned static file server (the benchmarks'
// peer), plain or checking the same links.
import path from 'node:path';
import { q, type NginxHttpBlock } from './nginx-process.js';

export interface EdgeCacheOptions {
  /** The coursecast origin's port on 127.0.0.1 (nginx asks it for `/origin/media/...`). */
  originPort: number;
  /** `max_size` of the cache on disk (default 1g). */
  maxSize?: string;
  /** The name in Cache-Status (default `nginx`). */
  serverName?: string;
  /**
   * Enrolled access (ADR 0013): the server's `COURSECAST_MEDIA_KEY`. nginx then checks signed links
   * (`/m/<expires>.<subject>.<signature>/<item>/<version>/<file>`) with its secure_link module, caches them by the
   * plain `/media/` path and passes the link on to the origin, which checks it again; `/media/` answers 401.
   */
  mediaKey?: string;
}

/** What both edge locations do with the origin's answers: one connection pool, the trace, the cache rules. */
const PROXY = `      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      # Forwarded by default like every request header; spelled out because the origin's span needs it.
      proxy_set_header traceparent $http_traceparent;
      proxy_set_header tracestate $http_tracestate;

      proxy_cache coursecast;
      proxy_cache_lock on;
      proxy_cache_lock_age 10s;
      proxy_cache_lock_timeout 10s;
      proxy_cache_revalidate on;
      proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
      proxy_cache_background_update on;
      # no proxy_cache_valid: the origin's Cache-Control decides.

      proxy_connect_timeout 2s;
      proxy_read_timeout 15s;
      add_header Cache-Status $coursecast_cache_status always;
`;

const json = (code: string, message: string): string =>
  `'${JSON.stringify({ error: { code, message } }).replace(/'/g, "\\'")}'`;

/** The edge's media locations: `/media/` through the cache, or (enrolled access) signed links only. */
function edgeLocations(mediaKey: string | undefined): string {
  if (mediaKey === undefined) {
    return `    location /media/ {
      proxy_pass http://coursecast_origin/origin/media/;
      proxy_cache_key $uri;
${PROXY}    }
`;
  }
  return `    location /media/ {
      default_type application/json;
      add_header Cache-Control no-store always;
      return 401 ${json('media_link_required', 'Media is delivered through the signed links of a course launch')};
    }
${signedLinkLocation(mediaKey, PROXY)}
`;
}

/** The signed-link location of the edge config (enrolled access). */
function signedLinkLocation(key: string, proxy: string): string {
  const id = '[A-Za-z0-9_-]{1,64}';
  return `
    location ~ "^/m/(?<cc_expires>[0-9]{1,12})\\.(?<cc_subject>${id})\\.(?<cc_sig>[A-Za-z0-9_-]{22})/(?<cc_item>${id})/(?<cc_version>${id})/(?<cc_file>.+)$" {
      default_type application/json;
      secure_link $cc_sig,$cc_expires;
      secure_link_md5 "$cc_expires $cc_item/$cc_version $cc_subject ${key}";
      if ($secure_link = "") {
        add_header Cache-Control no-store always;
        return 403 ${json('media_link_refused', 'The media link was not signed by this server for this item')};
      }
      if ($secure_link = "0") {
        add_header Cache-Control no-store always;
        return 403 ${json('media_link_refused', 'The media link has expired: open the lecture from your course again')};
      }
      # The origin checks the same link again; the cache keeps one copy per object, whoever's link asked.
      proxy_pass http://coursecast_origin/origin$request_uri;
      proxy_cache_key /media/$cc_item/$cc_version/$cc_file;
${proxy}
    }

    location /m/ {
      default_type application/json;
      add_header Cache-Control no-store always;
      return 403 ${json('media_link_refused', 'The media link is malformed')};
    }`;
}

/**
 * nginx as a caching edge in front of a coursecast origin, the config docs/operations.md documents:
 * `/media/x` is fetched from `/origin/media/x` and cached for as long as the origin's Cache-Control says
 * (no proxy_cache_valid: segments a year, playlists 30 s + stale-while-revalidate / stale-if-error).
 * Concurrent misses wait on one origin fetch (proxy_cache_lock). The cache key leaves the query out so
 * CMCD query args (which vary per request) do not split the cache; they are still passed to the origin on
 * a miss, as are the `traceparent`, `tracestate` and CMCD-* headers (nginx forwards request headers).
 * `Cache-Status` (RFC 9211) is derived from `$upstream_cache_status`.
 */
export function edgeCacheHttpBlock(options: EdgeCacheOptions): NginxHttpBlock {
  const name = options.serverName ?? 'nginx';
  return (site) => `
  upstream coursecast_origin {
    server 127.0.0.1:${options.originPort};
    keepalive 32;
  }
  proxy_cache_path ${q(path.join(site.prefix, 'cache'))} levels=1:2 keys_zone=coursecast:16m
                   max_size=${options.maxSize ?? '1g'} inactive=7d use_temp_path=off;

  # RFC 9211 Cache-Status from nginx's cache status, the origin's status and whether the answer is storable.
  map "$upstream_cache_status:$upstream_http_cache_control" $coursecast_cache_status {
    default "";
    "~^HIT:" "${name}; hit";
    "~^(STALE|UPDATING):" "${name}; hit; detail=stale";
    "~^REVALIDATED:" "${name}; fwd=stale; fwd-status=304; stored";
    "~^MISS:(?!.*(no-store|private)).*max-age=[1-9]" "${name}; fwd=miss; fwd-status=$upstream_status; stored";
    "~^MISS:" "${name}; fwd=miss; fwd-status=$upstream_status";
    "~^EXPIRED:(?!.*(no-store|private)).*max-age=[1-9]" "${name}; fwd=stale; fwd-status=$upstream_status; stored";
    "~^EXPIRED:" "${name}; fwd=stale; fwd-status=$upstream_status";
    "~^BYPASS:" "${name}; fwd=bypass; fwd-status=$upstream_status";
  }

  server {
    listen 127.0.0.1:${site.port};

${edgeLocations(options.mediaKey)}

    location / {
      return 404;
    }
  }`;
}

export interface StaticFilesOptions {
  /** Directory served at `location` (e.g. the data dir's media/ at `/media/`). */
  root: string;
  /** URL prefix (default `/`). */
  location?: string;
  /** Serves signed links (`/m/<link>/<item>/<version>/<file>`) under `root` instead, checked with secure_link. */
  mediaKey?: string;
}

/** The static location of signed links: the same check as the edge's, then the file from disk. */
function signedStaticLocation(root: string, key: string): string {
  const id = '[A-Za-z0-9_-]{1,64}';
  return `location ~ "^/m/(?<cc_expires>[0-9]{1,12})\\.(?<cc_subject>${id})\\.(?<cc_sig>[A-Za-z0-9_-]{22})/(?<cc_item>${id})/(?<cc_version>${id})/(?<cc_file>.+)$" {
      secure_link $cc_sig,$cc_expires;
      secure_link_md5 "$cc_expires $cc_item/$cc_version $cc_subject ${key}";
      if ($secure_link = "") { return 403; }
      if ($secure_link = "0") { return 403; }
      alias ${q(`${root}$cc_item/$cc_version/$cc_file`)};
      add_header Cache-Control "public, max-age=31536000, immutable";
    }`;
}

/** nginx tuned as a static file server (the benchmark's peer): sendfile, open_file_cache, no access log. */
export function staticFilesHttpBlock(options: StaticFilesOptions): NginxHttpBlock {
  const location = options.location ?? '/';
  const root = options.root.endsWith('/') ? options.root : `${options.root}/`;
  return (site) => `
  types {
    application/vnd.apple.mpegurl m3u8;
    video/iso.segment m4s;
    video/mp4 mp4;
    audio/mp4 m4a;
    video/mp2t ts;
    image/jpeg jpg;
    text/vtt vtt;
  }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  open_file_cache_errors on;

  server {
    listen 127.0.0.1:${site.port} backlog=4096;
    ${
      options.mediaKey
        ? signedStaticLocation(root, options.mediaKey)
        : `location ${location} {
      alias ${q(root)};
      add_header Cache-Control "public, max-age=31536000, immutable";
    }`
    }
  }`;
}
