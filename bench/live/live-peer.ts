// The peer of the live benchmark, run side by side: the plainest live HLS (what Owncast and PeerTube build on) —
// FFmpeg itself receiving the same RTMP publish and writing 2 s HLS segments to a folder, a static server, and hls.js
// with its defaults (three target durations behind live) on a bare page.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { own } from '../edge/edge-bench-kit.js';

const require = createRequire(import.meta.url);
const HLS_JS = require.resolve('hls.js/dist/hls.min.js');

const PAGE = `<!doctype html><html lang="en"><title>peer</title><video muted autoplay playsinline></video>
<script src="/hls.min.js"></script><script>
const v = document.querySelector('video');
const hls = new Hls();
hls.loadSource('/live/index.m3u8');
hls.attachMedia(v);
hls.on(Hls.Events.MANIFEST_PARSED, () => v.play().catch(() => {}));
</script></html>`;

/** The peer's running parts. */
export interface LivePeer {
  url: string;
  rtmpUrl: string;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.js': 'text/javascript',
};

/** Starts FFmpeg as an RTMP listener writing HLS into `dir`, and a static server for it and the page. */
export async function startLivePeer(
  ffmpeg: string,
  dir: string,
  rtmpPort: number,
  segmentSeconds: number,
): Promise<LivePeer> {
  const out = path.join(dir, 'live');
  await mkdir(out, { recursive: true });
  const child = own(
    spawn(
      ffmpeg,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-listen',
        '1',
        '-i',
        `rtmp://127.0.0.1:${rtmpPort}/live/peer`,
        '-c',
        'copy',
        '-f',
        'hls',
        '-hls_time',
        String(segmentSeconds),
        '-hls_list_size',
        '6',
        '-hls_flags',
        'delete_segments+program_date_time',
        path.join(out, 'index.m3u8'),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    if (p === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(PAGE);
    }
    const file = p === '/hls.min.js' ? HLS_JS : path.join(dir, path.normalize(p));
    if (!file.startsWith(dir) && file !== HLS_JS) return res.writeHead(403).end();
    if (!existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live/peer`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
