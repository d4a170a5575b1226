// bench/links: what enrolled access (ADR 0013) costs on the hit path. Cache hits of a 100 KB segment through
// (a) `coursecast edge` in front of a public origin, plain `/media/` URLs, and (b) the same edge in front of an
// enrolled origin, signed links (`/m/<link>/...`, checked on every request); and their peers side by side:
// (c) nginx serving the files from disk and (d) nginx checking the same links with its secure_link module first.
// Telemetry off on both edges (bench/edge measures its cost). wrk drives each, order rotated per round.
//
// Needs the build (`npm run build`), nginx and wrk (`bash scripts/setup`).
// Env: LINKS_BENCH_SECONDS (10) per measured run, LINKS_BENCH_ROUNDS (2), LINKS_BENCH_CONNECTIONS (64).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoursecast, loadConfig, type Coursecast } from '@coursecast/server';
import { createMediaLinks, linkedPath } from '@coursecast/server/parts';
import { assertNginxInstalled, freePort, startNginx } from '../../apps/server/test-support/nginx-process.js';
import { staticFilesHttpBlock } from '../../apps/server/test-support/nginx-sites.js';
import { patternBytes, publishItem } from '../../apps/server/test-support/published-item.js';
import {
  cleanUpOnSignal,
  get,
  killAll,
  loadAverage,
  log,
  median,
  r0,
  r3,
  runCleanups,
  runWrk,
  startEdge,
  type WrkResult,
} from '../edge/edge-bench-kit.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const distCli = path.resolve(here, '..', '..', 'apps/server/dist/cli.js');
const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const SECONDS = num('LINKS_BENCH_SECONDS', 10);
const ROUNDS = num('LINKS_BENCH_ROUNDS', 2);
const CONNECTIONS = num('LINKS_BENCH_CONNECTIONS', 64);
const KEY = 'bench-media-key-0123456789abcdefghijkl';
const SIZE = 100 * 1024;
const CASES = ['edge_plain', 'edge_links', 'nginx_plain', 'nginx_links'] as const;
type Case = (typeof CASES)[number];

/** An origin in its own data dir (each holds its own catalog), with one published 100 KB segment. */
async function startOrigin(dataDir: string, enrolled: boolean) {
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      port: await freePort(),
      adminToken: 'bench-admin-token-0123456789',
      logLevel: 'silent',
      delivery: { edge: false },
      ...(enrolled ? { lti: { access: 'enrolled', mediaKey: KEY } } : {}),
    },
  });
  const cc: Coursecast = await createCoursecast(config, { logger: false, startQueue: false });
  const url = await cc.listen();
  const item = await publishItem(cc, { 'seg.m4s': patternBytes(SIZE, 100) });
  return { cc, url, item };
}

export async function main(_args: string[]): Promise<object> {
  if (!existsSync(distCli)) throw new Error(`${distCli} is missing: run npm run build`);
  assertNginxInstalled();
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed: run bash scripts/setup');
  const dirs = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'cc-bench-links-')));
  const stops = dirs.map(cleanUpOnSignal);
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const plain = await startOrigin(dirs[0]!, false);
    cleanups.push(() => plain.cc.close());
    const enrolled = await startOrigin(dirs[1]!, true);
    cleanups.push(() => enrolled.cc.close());
    const off = { OTEL_SDK_DISABLED: 'true' };
    const edgePlain = await startEdge('edge-plain', plain.url, off);
    cleanups.push(() => edgePlain.stop());
    const edgeLinks = await startEdge('edge-links', enrolled.url, {
      ...off,
      COURSECAST_ACCESS: 'enrolled',
      COURSECAST_MEDIA_KEY: KEY,
    });
    cleanups.push(() => edgeLinks.stop());
    const nginxPlain = await startNginx(
      staticFilesHttpBlock({ root: plain.cc.paths.mediaRoot, location: '/media/' }),
      { workers: 2 },
    );
    cleanups.push(() => nginxPlain.stop());
    const nginxLinks = await startNginx(
      staticFilesHttpBlock({ root: enrolled.cc.paths.mediaRoot, mediaKey: KEY }),
      { workers: 2 },
    );
    cleanups.push(() => nginxLinks.stop());

    const { itemId, version } = enrolled.item;
    const link = createMediaLinks(KEY).sign(itemId, version, {
      subject: 'lrn_bench',
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    const signedPath = linkedPath(link, itemId, version, 'seg.m4s');
    const url: Record<Case, string> = {
      edge_plain: `${edgePlain.url}${plain.item.mediaPath('seg.m4s')}`,
      edge_links: `${edgeLinks.url}${signedPath}`,
      nginx_plain: `${nginxPlain.url}${plain.item.mediaPath('seg.m4s')}`,
      nginx_links: `${nginxLinks.url}${signedPath}`,
    };
    // Warm each edge (a miss, then hits); check every case serves the object and the links cases check links.
    for (const c of CASES) {
      await get(url[c]);
      const again = await get(url[c]);
      if (again.status !== 200 || again.bytes !== SIZE) throw new Error(`${c}: answered ${again.status}`);
      if (c.startsWith('edge') && !/; hit/.test(String(again.headers['cache-status'])))
        throw new Error(`${c}: not a hit after warm-up`);
    }
    const forged = url.nginx_links.replace(/\.[A-Za-z0-9_-]{22}\//, `.${'A'.repeat(22)}/`);
    for (const u of [forged, forged.replace(nginxLinks.url, edgeLinks.url)]) {
      if ((await get(u)).status !== 403) throw new Error(`a forged link was not refused: ${u}`);
    }
    log(
      `links bench: ${cpus().length} cpus, load ${loadAverage()}, wrk -t1 -c${CONNECTIONS} ${SECONDS}s x ${ROUNDS}`,
    );

    const results: Record<Case, WrkResult[]> = {
      edge_plain: [],
      edge_links: [],
      nginx_plain: [],
      nginx_links: [],
    };
    for (const c of CASES) await runWrk(url[c], 2, CONNECTIONS);
    for (let round = 0; round < ROUNDS; round++) {
      const shift = round % CASES.length;
      for (const c of [...CASES.slice(shift), ...CASES.slice(0, shift)]) {
        const r = await runWrk(url[c], SECONDS, CONNECTIONS);
        if (r.non2xx > 0) throw new Error(`${c}: ${r.non2xx} non-2xx answers under load`);
        results[c].push(r);
        log(`${c.padEnd(12)} ${r0(r.rps).toString().padStart(6)} req/s p99 ${r.latencyP99ms?.toFixed(2)} ms`);
      }
    }
    const rps = (c: Case): number => median(results[c].map((r) => r.rps));
    return {
      bench: 'links',
      cpus: cpus().length,
      wrk: `-t1 -c${CONNECTIONS} -d${SECONDS}s`,
      rounds: ROUNDS,
      object_bytes: SIZE,
      ...Object.fromEntries(CASES.map((c) => [`${c}_rps`, r0(rps(c))])),
      edge_links_over_plain: r3(rps('edge_links') / rps('edge_plain')),
      nginx_links_over_plain: r3(rps('nginx_links') / rps('nginx_plain')),
      edge_links_over_nginx_links: r3(rps('edge_links') / rps('nginx_links')),
      edge_plain_over_nginx_plain: r3(rps('edge_plain') / rps('nginx_plain')),
      load_average_after: loadAverage(),
    };
  } finally {
    await runCleanups(cleanups);
    killAll();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    for (const stop of stops) stop();
  }
}
