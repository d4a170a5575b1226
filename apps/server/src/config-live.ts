import { z } from 'zod';
import type { Parse } from './config-env.js';

/**
 * The `live` section: live lectures (issue 21). RTMP comes in through Debian's nginx RTMP module, run by the server
 * on its own config (the stream key is checked before any encoding); SRT through FFmpeg's listener, one UDP port per
 * open lecture from `srtPorts`, its passphrase checked in the handshake.
 */
export const LiveConfigSchema = z
  .strictObject({
    /** Off: no live lectures (no nginx, no listeners, the routes answer 404). */
    enabled: z.boolean().default(true),
    /** The RTMP port encoders publish to (OBS's `rtmp://host:1935/live`); 0 picks a free one (tests). */
    rtmpPort: z.number().int().min(0).max(65535).default(1935),
    /** Where RTMP and SRT listen; default all interfaces. */
    listenHost: z.string().min(1).default('0.0.0.0'),
    /** The host name encoders are told to publish to; default the public URL's host. */
    publicHost: z.string().min(1).optional(),
    /** UDP ports for SRT, one per open lecture: `[first, last]`; [0, 0] picks free ones (tests). */
    srtPorts: z
      .tuple([z.number().int().min(0).max(65535), z.number().int().min(0).max(65535)])
      .default([10080, 10099]),
    /** SRT receiver latency, ms (the buffer against a lossy network: 4x the round trip is SRT's advice). */
    srtLatencyMs: z.number().int().min(20).max(8000).default(200),
    /** Lectures open at once (waiting for or receiving a publisher); creating one more answers 409. */
    maxOpen: z.number().int().min(1).max(64).default(4),
    /** Segment length, seconds. */
    segmentSeconds: z.number().int().min(1).max(10).default(2),
    /** Seconds learners can rewind while live; 0: the whole lecture. */
    windowSeconds: z.number().int().min(0).default(0),
    /** A publisher that drops may come back within this long to continue the same playlists. */
    graceSeconds: z.number().int().min(0).max(3600).default(30),
    /** A connected publisher that sends nothing for this long is dropped (a stalled encoder or network). */
    stallSeconds: z.number().int().min(2).max(120).default(10),
    /** Short sides of the encoded rungs below the top one. */
    ladder: z.array(z.number().int().min(144).max(2160)).max(4).default([720, 360]),
    /** The top rung's short side at most. */
    maxHeight: z.number().int().min(144).max(2160).default(1080),
    preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast']).default('veryfast'),
    /** The nginx binary and its RTMP module (Debian's, installed by scripts/setup). */
    nginxPath: z.string().min(1).default('/usr/sbin/nginx'),
    rtmpModulePath: z.string().min(1).default('/usr/lib/nginx/modules/ngx_rtmp_module.so'),
  })
  .prefault({});

/** The live section's environment variables. */
export function liveEnvVars(
  asNumber: Parse,
  asBoolean: Parse,
  asString: Parse,
  asNumberList: Parse,
): Record<string, { path: string[]; parse: Parse }> {
  const n = (key: string): { path: string[]; parse: Parse } => ({ path: ['live', key], parse: asNumber });
  return {
    COURSECAST_LIVE: { path: ['live', 'enabled'], parse: asBoolean },
    COURSECAST_LIVE_RTMP_PORT: n('rtmpPort'),
    COURSECAST_LIVE_LISTEN_HOST: { path: ['live', 'listenHost'], parse: asString },
    COURSECAST_LIVE_PUBLIC_HOST: { path: ['live', 'publicHost'], parse: asString },
    COURSECAST_LIVE_SRT_PORTS: {
      path: ['live', 'srtPorts'],
      parse: (raw) => raw.split('-').map((p) => asNumber(p.trim())),
    },
    COURSECAST_LIVE_SRT_LATENCY_MS: n('srtLatencyMs'),
    COURSECAST_LIVE_MAX_OPEN: n('maxOpen'),
    COURSECAST_LIVE_SEGMENT_SECONDS: n('segmentSeconds'),
    COURSECAST_LIVE_WINDOW_SECONDS: n('windowSeconds'),
    COURSECAST_LIVE_GRACE_SECONDS: n('graceSeconds'),
    COURSECAST_LIVE_STALL_SECONDS: n('stallSeconds'),
    COURSECAST_LIVE_LADDER: { path: ['live', 'ladder'], parse: asNumberList },
    COURSECAST_LIVE_MAX_HEIGHT: n('maxHeight'),
    COURSECAST_LIVE_PRESET: { path: ['live', 'preset'], parse: asString },
    NGINX_PATH: { path: ['live', 'nginxPath'], parse: asString },
    NGINX_RTMP_MODULE: { path: ['live', 'rtmpModulePath'], parse: asString },
  };
}
