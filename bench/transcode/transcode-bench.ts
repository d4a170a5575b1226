// bench/transcode: each source (testsrc2 1080p, and look-alikes of a camera, a phone and a screen recording:
// bench-sources.ts) through (a) coursecast's job runner (probe, plan, one ffmpeg for the ladder, progress
// parsing, per-rung watching, master rewrite, poster, publish, store, spans), (b) the raw ffmpeg CLI running
// the identical ladder command, and (c) the naive design of one ffmpeg per rung in parallel. Alternating
// order, N runs each; per source the medians, `ratio_raw_<source>` (coursecast / raw, goal ≤ 1.03),
// `ratio_per_rung_<source>` (per-rung / coursecast, goal ≥ 1.25 where decoding is expensive),
// `frames_per_source_frame_<source>` (top rung's frames / source's, goal ≤ 1.05) and each rung's measured
// bitrate against its plan. `ratio` is testsrc2's coursecast / raw, as before.
// Options: --seconds N (30), --runs N (3), --sources camera,screen (all).
import { spawn } from 'node:child_process';
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
  type LadderOptions,
  type LadderPlan,
} from '@coursecast/media';
import { SPAN_CONTENT_TRANSCODE_VIDEO, spanContentTranscodeQuality } from '@coursecast/semconv';
import { loadConfig } from '@coursecast/server';
import {
  createInstrumentation,
  createMediaPaths,
  createTranscodeMetrics,
  createTranscodeRunner,
  newId,
  openDuckDbCatalogStore,
} from '@coursecast/server/parts';
import {
  ensureBenchSource,
  framesPerSourceFrame,
  measureRungBitrates,
  parseSources,
  type BenchSource,
  type BenchTools,
  type RungBitrate,
} from './bench-sources.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.join(here, '..', '.cache');
const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';
const GOALS = {
  ratio_raw: 1.03,
  ratio_per_rung: 1.25,
  frames_per_source_frame: 1.05,
  outside_ladder_s_phone: 0.5,
};

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function numberOption(args: string[], name: string, fallback: number): number {
  const value = option(args, name);
  const n = value === undefined ? fallback : Number(value);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number, got ${value}`);
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

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

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

/** The naive design: one full decode + encode per rung, all rungs at once. */
function naiveRungPlans(plan: LadderPlan): LadderPlan[] {
  return plan.rungs.map((r) => ({ ...plan, rungs: [r], qualities: [r.name] }));
}

/** What every source's runs share: one store, one telemetry pipeline, one course. */
async function openBenchEnv() {
  const config = loadConfig({ env: {} });
  const ladder: LadderOptions = { ...DEFAULT_LADDER_OPTIONS, heights: config.transcode.ladder };
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
  return { ladder, telemetry, spans, store, course, metrics };
}
type BenchEnv = Awaited<ReturnType<typeof openBenchEnv>>;

/**
 * The real job runner (probe, plan, ladder, publish, store writes, spans, metrics); only the data dir
 * differs, so each run's output lands in its own folder. Returns the published version's directory.
 */
async function runCoursecast(env: BenchEnv, source: string, dir: string): Promise<string> {
  const paths = createMediaPaths(dir);
  const runner = createTranscodeRunner({
    store: env.store,
    paths,
    tracer: env.telemetry.tracer,
    metrics: env.metrics,
    ffmpegPath: FFMPEG,
    ffprobePath: FFPROBE,
    ladder: env.ladder,
    timeoutMs: 60 * 60_000,
  });
  const itemId = newId('itm');
  await env.store.createItemWithJob(
    {
      id: itemId,
      courseId: env.course.id,
      kind: 'video',
      title: 'bench',
      sourceFile: source,
      sourceBytes: null,
      sourceInfo: null,
      durationSeconds: null,
    },
    { id: newId('job'), itemId, maxAttempts: 1 },
  );
  const job = await env.store.claimNextJob();
  if (!job) throw new Error('no job to run');
  await runner({ job, signal: new AbortController().signal, progress: () => undefined });
  return paths.versionDir(itemId, job.id);
}

const hrSeconds = (t: [number, number]): number => t[0] + t[1] / 1e9;

/**
 * Seconds of the last coursecast job spent outside its ladder FFmpeg (probe, plan, poster, retime, publish,
 * store): the job span less the window from FFmpeg's spawn to its last quality's end, both from one run, so
 * free of the run-to-run noise a difference of two medians carries. Clears the exporter.
 */
function outsideLadderSeconds(spans: InMemorySpanExporter): number {
  const finished = spans.getFinishedSpans();
  spans.reset();
  const job = finished.find((s) => s.name === SPAN_CONTENT_TRANSCODE_VIDEO);
  const rungs = finished.filter((s) => s !== job && s.name.startsWith(spanContentTranscodeQuality('')));
  if (!job || rungs.length === 0) throw new Error('the job left no transcode spans');
  const start = Math.min(...rungs.map((s) => hrSeconds(s.startTime)));
  const end = Math.max(...rungs.map((s) => hrSeconds(s.endTime)));
  return hrSeconds(job.duration) - (end - start);
}

const VARIANTS = ['coursecast', 'raw', 'naive'] as const;
type Variant = (typeof VARIANTS)[number];

/** One source's figures. */
interface SourceFigures {
  source: string;
  codec: string | null;
  rungs: string[];
  coursecast_s: number;
  raw_s: number;
  naive_s: number;
  ratio_raw: number;
  /** Median coursecast less median raw FFmpeg, seconds: direct, but as noisy as the runs. */
  beyond_raw_s: number;
  /** Median seconds each job spent outside its ladder FFmpeg (outsideLadderSeconds). */
  outside_ladder_s: number;
  ratio_per_rung: number;
  frames_per_source_frame: number;
  realtime_factor: number;
  bitrates: RungBitrate[];
  all_s: Record<Variant, number[]>;
}

/** Runs the three variants over one source, `runs` times in rotating order, and measures coursecast's output. */
async function benchSource(
  env: BenchEnv,
  name: BenchSource,
  file: string,
  runs: number,
): Promise<SourceFigures> {
  const probe = await probeMedia(file, { ffprobePath: FFPROBE });
  const plan = planLadder(probe, env.ladder);
  const out = path.join(cacheDir, 'out', name);
  let published = '';
  const outside: number[] = [];
  const variants: Record<Variant, (dir: string) => Promise<void>> = {
    coursecast: async (dir) => {
      env.spans.reset();
      published = await runCoursecast(env, file, dir);
      outside.push(outsideLadderSeconds(env.spans));
    },
    raw: async (dir) => {
      await mkdir(dir, { recursive: true });
      await runFfmpeg(buildLadderArgs(file, dir, plan));
    },
    naive: async (dir) => {
      await Promise.all(
        naiveRungPlans(plan).map(async (p, i) => {
          const d = path.join(dir, String(i));
          await mkdir(d, { recursive: true });
          await runFfmpeg(buildLadderArgs(file, d, p));
        }),
      );
    },
  };
  const times: Record<Variant, number[]> = { coursecast: [], raw: [], naive: [] };
  for (let i = 0; i < runs; i++) {
    const rotated = [...VARIANTS.slice(i % 3), ...VARIANTS.slice(0, i % 3)];
    for (const v of rotated) {
      const dir = path.join(out, v);
      await rm(dir, { recursive: true, force: true });
      const { seconds } = await timed(() => variants[v](dir));
      times[v].push(seconds);
      process.stderr.write(`${name} run ${i + 1}/${runs} ${v.padEnd(10)} ${seconds.toFixed(2)} s\n`);
    }
  }
  // The last coursecast run's published output: what learners would be served.
  const bitrates = await measureRungBitrates(published, plan);
  const frames = await framesPerSourceFrame(file, published, plan, FFPROBE);
  await rm(out, { recursive: true, force: true });
  const med = { coursecast: median(times.coursecast), raw: median(times.raw), naive: median(times.naive) };
  const v = probe.video;
  return {
    source: `${v?.width}x${v?.height}@${v?.frameRate} ${probe.durationSeconds.toFixed(1)}s`,
    codec: v?.codec ?? null,
    rungs: plan.rungs.map((r) => `${r.name}:${r.mode}`),
    coursecast_s: r3(med.coursecast),
    raw_s: r3(med.raw),
    naive_s: r3(med.naive),
    ratio_raw: r3(med.coursecast / med.raw),
    beyond_raw_s: r3(med.coursecast - med.raw),
    outside_ladder_s: r3(median(outside)),
    ratio_per_rung: r3(med.naive / med.coursecast),
    frames_per_source_frame: frames,
    realtime_factor: r3(probe.durationSeconds / med.coursecast),
    bitrates,
    all_s: { coursecast: times.coursecast.map(r3), raw: times.raw.map(r3), naive: times.naive.map(r3) },
  };
}

/** The flat headline keys per source, then the old testsrc2 keys (`ratio` first among them). */
function summarize(figures: Map<BenchSource, SourceFigures>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const old = figures.get('testsrc2');
  // Before sources were added the bench had exactly these keys, all about testsrc2.
  flat.ratio = old ? old.ratio_raw : null;
  if (old) {
    Object.assign(flat, {
      source: old.source,
      rungs: old.rungs,
      coursecast_s: old.coursecast_s,
      raw_s: old.raw_s,
      naive_s: old.naive_s,
      naive_over_coursecast: old.ratio_per_rung,
      realtime_factor: old.realtime_factor,
      all_s: old.all_s,
    });
  }
  for (const [name, f] of figures) {
    flat[`ratio_raw_${name}`] = f.ratio_raw;
    flat[`beyond_raw_s_${name}`] = f.beyond_raw_s;
    flat[`outside_ladder_s_${name}`] = f.outside_ladder_s;
    flat[`ratio_per_rung_${name}`] = f.ratio_per_rung;
    flat[`frames_per_source_frame_${name}`] = f.frames_per_source_frame;
  }
  return flat;
}

/** Runs the benchmark and returns its figures. */
export async function main(args: string[]): Promise<object> {
  const seconds = numberOption(args, 'seconds', 30);
  const runs = Math.round(numberOption(args, 'runs', 3));
  const sources = parseSources(option(args, 'sources'));
  await mkdir(cacheDir, { recursive: true });
  const tools: BenchTools = { ffmpeg: FFMPEG, ffprobe: FFPROBE, cacheDir };
  const files = new Map<BenchSource, string>();
  for (const s of sources) files.set(s, await ensureBenchSource(s, seconds, tools));

  const env = await openBenchEnv();
  const figures = new Map<BenchSource, SourceFigures>();
  try {
    for (const s of sources) figures.set(s, await benchSource(env, s, files.get(s)!, runs));
  } finally {
    await rm(path.join(cacheDir, 'out'), { recursive: true, force: true });
    await env.telemetry.shutdown();
    await env.store.close();
  }
  return {
    bench: 'transcode',
    cpus: cpus().length,
    runs,
    seconds,
    sources,
    goals: GOALS,
    ...summarize(figures),
    per_source: Object.fromEntries(figures),
  };
}
