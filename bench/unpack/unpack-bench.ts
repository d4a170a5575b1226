// bench/unpack: the server's safe unpacker (two passes: every entry judged from the central directory, then
// streamed out with real byte counts and its own CRC-32 check) against Info-ZIP `unzip`, the C tool, on the
// same generated package: authoring-tool-like content (many small text files, images, a few media files).
// Runs alternate; each writes into a fresh folder on the same disk. Ratio = ours / unzip (1 = as fast).
//
// Env: UNPACK_BENCH_FILES (3000), UNPACK_BENCH_RUNS (5).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { unpackZip } from '@coursecast/server/parts';
import { cleanUpOnSignal, loadAverage, log, median, r3 } from '../edge/edge-bench-kit.js';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const FILES = env('UNPACK_BENCH_FILES', 3000);
const RUNS = env('UNPACK_BENCH_RUNS', 5);

/** Deterministic bytes: incompressible like real images and media. */
function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Text like an authoring tool's scripts and pages: compressible, but not a run of one byte. */
function text(size: number, seed: number): Buffer {
  const words = [
    'var',
    'function',
    'slide',
    'return',
    'player',
    'quiz',
    'lesson',
    'state',
    '{',
    '}',
    ';',
    '\n',
  ];
  let s = seed;
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    s = (s * 1103515245 + 12345) >>> 0;
    const w = `${words[s % words.length]!}${s % 97} `;
    parts.push(w);
    length += w.length;
  }
  return Buffer.from(parts.join('').slice(0, size));
}

async function writePackage(file: string): Promise<{ files: number; bytes: number }> {
  const zip = new yazl.ZipFile();
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const kind = i % 10;
    const folder = `story_content/slide${Math.floor(i / 20)}`;
    let data: Buffer;
    let name: string;
    if (kind < 6) {
      data = text(2_000 + ((i * 7919) % 18_000), i);
      name = `${folder}/part${i}.js`;
    } else if (kind < 9) {
      data = noise(50_000 + ((i * 104_729) % 250_000), i);
      name = `${folder}/image${i}.png`;
    } else {
      data = noise(i % 30 === 9 ? 2_000_000 : 400_000, i);
      name = `${folder}/audio${i}.mp3`;
    }
    bytes += data.length;
    // Images and media are stored, as authoring tools do (deflating them gains nothing).
    zip.addBuffer(data, name, { compress: kind < 6 });
  }
  zip.addBuffer(Buffer.from('<!doctype html><title>bench</title>'), 'index.html');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  await writeFile(file, Buffer.concat(chunks));
  return { files: FILES + 1, bytes };
}

function unzipCli(zip: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('unzip', ['-qq', zip, '-d', dest], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) =>
      reject(new Error(`unzip could not start (bash scripts/setup installs it): ${e.message}`)),
    );
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`unzip exited ${code}: ${err}`))));
  });
}

async function countFiles(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

export async function main(_args: string[]): Promise<object> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-bench-unpack-'));
  const stopCleanup = cleanUpOnSignal(dir);
  try {
    const zip = path.join(dir, 'package.zip');
    const made = await writePackage(zip);
    const zipBytes = (await stat(zip)).size;
    log(
      `unpack bench: ${cpus().length} cpus, load ${loadAverage()}; ${made.files} files, ` +
        `${(made.bytes / 1e6).toFixed(1)} MB (${(zipBytes / 1e6).toFixed(1)} MB zipped), ${RUNS} runs each`,
    );
    const ours: number[] = [];
    const peer: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Alternate which goes first, so neither always meets a warm or a cold page cache.
      const order = run % 2 === 0 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const);
      for (const who of order) {
        const dest = path.join(dir, `${who}-${run}`);
        await mkdir(dest);
        const ms =
          who === 'ours'
            ? await timed(() => unpackZip(zip, dest, { maxEntries: 100_000, maxTotalBytes: 8 * 1024 ** 3 }))
            : await timed(() => unzipCli(zip, dest));
        const got = await countFiles(dest);
        if (got.files !== made.files) throw new Error(`${who} wrote ${got.files} files, not ${made.files}`);
        (who === 'ours' ? ours : peer).push(ms);
        log(`  run ${run + 1} ${who === 'ours' ? 'unpackZip' : 'unzip    '} ${ms.toFixed(0)} ms`);
        await rm(dest, { recursive: true, force: true });
      }
    }
    const oursMs = median(ours);
    const peerMs = median(peer);
    return {
      bench: 'unpack',
      files: made.files,
      uncompressedMB: r3(made.bytes / 1e6),
      zipMB: r3(zipBytes / 1e6),
      runs: RUNS,
      unpackZipMedianMs: r3(oursMs),
      unzipMedianMs: r3(peerMs),
      unpackZipMBps: r3(made.bytes / 1e6 / (oursMs / 1000)),
      unzipMBps: r3(made.bytes / 1e6 / (peerMs / 1000)),
      ratio: r3(oursMs / peerMs),
      load: loadAverage(),
    };
  } finally {
    stopCleanup();
    await rm(dir, { recursive: true, force: true });
  }
}
