// bench/transcode: the same 1080p source through (a) coursecast's job runner (probe, plan, one ffmpeg
// for the ladder, progress parsing, per-rung watching, master rewrite, poster, publish, store, spans),
// (b) the raw ffmpeg CLI running the identical ladder command, and (c) the naive design of one ffmpeg
// per rung in parallel. Alternating order, N runs each; medians and ratios on the last line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  DEFAULT_LADDER_OPTIONS,
  buildLadderArgs,
  planLadder,
  probeMedia,
  type LadderPlan,
} from '@coursecast/media';
import { generateTestClip } from '@coursecast/media/samples';
import { loadConfig } from '@coursecast/server';
import {
  createInstrumentation,
  createMediaPaths,
  createTranscodeMetrics,
  createTranscodeRunner,
  newId,
  openDuckDbCatalogStore,
} from '@coursecast/server/parts';

const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.join(here, '..', '.cache');
const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${tail}`)),
    );
  });
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** The naive design: one full decode + encode per rung, all rungs at once. */
function naiveRungPlans(plan: LadderPlan): LadderPlan[] {
  return plan.rungs.map((r) => ({ ...plan, rungs: [r], qualities: [r.name] }));
}

/** Runs the benchmark and returns its figures. */
export async function main(args: string[]): Promise<object> {
  const seconds = arg(args, 'seconds', 30);
  const runs = arg(args, 'runs', 3);
  await mkdir(cacheDir, { recursive: true });
  const source = path.join(cacheDir, `source-1080p30-${seconds}s.mp4`);
  if (!existsSync(source)) {
    process.stderr.write(`generating ${source} (testsrc2 1080p30 + sine, ${seconds} s)...\n`);
    await generateTestClip({ ffmpegPath: FFMPEG, out: source, seconds, width: 1920, height: 1080, fps: 30 });
  }
  const config = loadConfig({ env: {} });
  const ladderOptions = { ...DEFAULT_LADDER_OPTIONS, heights: config.transcode.ladder };
  const probe = await probeMedia(source, { ffprobePath: FFPROBE });
  const plan = planLadder(probe, ladderOptions);
  const spans = new InMemorySpanExporter();
  const telemetry = createInstrumentation(config.instrumentation, 'bench', {
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const store = await openDuckDbCatalogStore({ path: ':memory:' });
  const course = await store.createCourse({ id: newId('crs'), title: 'bench', description: '' });
  const metrics = createTranscodeMetrics(telemetry.meter, {
    counts: () => ({ queued: 0, running: 1, succeeded: 0, failed: 0, cancelled: 0 }),
    queueDepth: () => 0,
  });

  const out = path.join(cacheDir, 'out');
  const variants = {
    // The real job runner (probe, plan, ladder, publish, store writes, spans, metrics); only the
    // data dir differs, so each run's output lands in its own folder.
    coursecast: async (dir: string) => {
      const paths = createMediaPaths(dir);
      const runner = createTranscodeRunner({
        store,
        paths,
        tracer: telemetry.tracer,
        metrics,
        ffmpegPath: FFMPEG,
        ffprobePath: FFPROBE,
        ladder: ladderOptions,
        timeoutMs: 30 * 60_000,
      });
      const itemId = newId('itm');
      await store.createItemWithJob(
        {
          id: itemId,
          courseId: course.id,
          kind: 'video',
          title: 'bench',
          sourceFile: source,
          sourceBytes: null,
          sourceInfo: null,
          durationSeconds: null,
        },
        { id: newId('job'), itemId, maxAttempts: 1 },
      );
      const job = await store.claimNextJob();
      if (!job) throw new Error('no job to run');
      await runner({ job, signal: new AbortController().signal, progress: () => undefined });
    },
    raw: async (dir: string) => {
      await mkdir(dir, { recursive: true });
      await runFfmpeg(buildLadderArgs(source, dir, plan));
    },
    naive: async (dir: string) => {
      await Promise.all(
        naiveRungPlans(plan).map(async (p, i) => {
          const d = path.join(dir, String(i));
          await mkdir(d, { recursive: true });
          await runFfmpeg(buildLadderArgs(source, d, p));
        }),
      );
    },
  };
  type Variant = keyof typeof variants;
  const order: Variant[] = ['coursecast', 'raw', 'naive'];
  const times: Record<Variant, number[]> = { coursecast: [], raw: [], naive: [] };
  for (let i = 0; i < runs; i++) {
    const rotated = [...order.slice(i % 3), ...order.slice(0, i % 3)];
    for (const v of rotated) {
      const dir = path.join(out, v);
      await rm(dir, { recursive: true, force: true });
      const t = await timed(() => variants[v](dir));
      times[v].push(t);
      process.stderr.write(`run ${i + 1}/${runs} ${v.padEnd(10)} ${t.toFixed(2)} s\n`);
    }
  }
  await rm(out, { recursive: true, force: true });
  await telemetry.shutdown();
  await store.close();
  const med = { coursecast: median(times.coursecast), raw: median(times.raw), naive: median(times.naive) };
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    bench: 'transcode',
    source: `${probe.video?.width}x${probe.video?.height}@${probe.video?.frameRate} ${probe.durationSeconds.toFixed(1)}s`,
    rungs: plan.rungs.map((r) => `${r.name}:${r.mode}`),
    cpus: cpus().length,
    runs,
    coursecast_s: r3(med.coursecast),
    raw_s: r3(med.raw),
    naive_s: r3(med.naive),
    ratio: r3(med.coursecast / med.raw),
    naive_over_coursecast: r3(med.naive / med.coursecast),
    realtime_factor: r3(probe.durationSeconds / med.coursecast),
    all_s: { coursecast: times.coursecast.map(r3), raw: times.raw.map(r3), naive: times.naive.map(r3) },
  };
}
