// bench/jit: just-in-time HLS sessions against the raw ffmpeg they run. A coursecast runs in this process
// (embedded edge on, as deployed; no VOD queue) with a 6-minute 1080p30 H.264 MP4 and an MKV stream copy of
// it. Per run: (a) transcode (MP4, `maxHeight=720` → 720p veryfast): GET playback → master → playlist → seg 0 body;
// (b) the same for remux (MKV, default capabilities, keyframe grid); (c) raw ffmpeg with the identical argv
// (buildJitArgs, checked against the session's live ffmpeg once), spawn → segment listed in its CSV list;
// (d) in the same session, right after seg 0: the segment holding 300 s (encoder killed, restarted there),
// with raw ffmpeg started at that segment as its peer. Sessions are closed between runs. Then a calibration:
// plain files of the first segments' sizes through the same edge (a miss), no ffmpeg running. Medians last.
// Stages come from the client's clock and from marks in the session's own encoder callbacks (observeSessions):
// `request_to_published` (segment request → segment renamed into place) is the session's part without
// delivery, the figure closest to raw ffmpeg's; `published_to_body` is delivery (origin → edge → client).
//
// Last, in headless Chromium with hls.js (jit-browser.ts): a new session per run, hls.loadSource → first frame
// playing, and the same with the playback request; targets transcode ≤ 2.0 s, remux ≤ 0.6 s (medians).
//
// Env: JIT_BENCH_RUNS (5), JIT_BENCH_BROWSER_RUNS (3).
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { buildJitArgs, probeKeyframes, type MediaInfo, type PlaybackPlan } from '@coursecast/media';
import { type Config, type Coursecast, createCoursecast, loadConfig } from '@coursecast/server';
import {
  createJitMedia,
  createMediaPaths,
  encoderStreams,
  newId,
  sessionGrid,
} from '@coursecast/server/parts';
import { freePort } from '../../apps/server/test-support/nginx-process.js';
import { patternBytes, publishItem } from '../../apps/server/test-support/published-item.js';
import { findProcesses } from '../../apps/server/test-support/processes.js';
import { cleanUpOnSignal, killAll, loadAverage, log, median, r3 } from '../edge/edge-bench-kit.js';
import {
  argvDifference,
  ensureSources,
  fetchBody,
  observeSessions,
  rawFirstSegment,
} from './jit-bench-kit.js';
import { BROWSER_TTFF_TARGET_MS, browserFirstFrames } from './jit-browser.js';
import { addItem, MODES, sessionRun, type Mode, type SessionRun, type Subject } from './jit-session-run.js';

const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';
const FFPROBE = process.env.FFPROBE_PATH ?? 'ffprobe';
const runsEnv = Number(process.env.JIT_BENCH_RUNS);
const RUNS = Number.isInteger(runsEnv) && runsEnv > 0 ? runsEnv : 5;
const browserRunsEnv = Number(process.env.JIT_BENCH_BROWSER_RUNS);
const BROWSER_RUNS = Number.isInteger(browserRunsEnv) && browserRunsEnv > 0 ? browserRunsEnv : 3;
const SOURCE_SECONDS = 360;
const SEEK_SECONDS = 300;
const GOAL_RATIO = 1.15;
async function subject(
  mode: Mode,
  item: { id: string; info: MediaInfo },
  cc: Coursecast,
  base: string,
  query: string,
): Promise<Subject> {
  // The plan the server decides (a session is opened and closed at once; its encoder never starts).
  const res = await fetchBody(`${base}/api/items/${item.id}/playback${query}`);
  const body = JSON.parse(res.body.toString()) as {
    plan: PlaybackPlan;
    session: { id: string; end: string } | null;
  };
  if (body.plan.mode !== mode || !body.session)
    throw new Error(`${mode}: plan is ${JSON.stringify(body.plan)}`);
  // The end URL carries the session's token (only its opener may end it).
  await fetchBody(body.session.end, { method: 'DELETE' });
  const stored = await cc.store.getItem(item.id);
  const source = cc.paths.resolve(stored!.sourceFile!);
  const config: Config = cc.config;
  const grid = await sessionGrid(body.plan, item.info, config.jit.segmentSeconds, () =>
    probeKeyframes(config.ffprobePath, source),
  );
  const seg = grid.segments.find((g) => g.start <= SEEK_SECONDS && SEEK_SECONDS < g.start + g.duration);
  if (!seg) throw new Error(`${mode}: no segment holds ${SEEK_SECONDS} s`);
  const { video, audio } = encoderStreams(body.plan, config.jit.preset, item.info);
  return {
    mode,
    itemId: item.id,
    source,
    info: item.info,
    query,
    plan: body.plan,
    grid,
    seekIndex: seg.index,
    firstOpenMs: res.ms,
    args: (startIndex, outDir) =>
      buildJitArgs({ source, outDir, grid, startIndex, video, audio, token: '00000000' }),
  };
}

const med = (xs: number[]): number => r3(median(xs.filter((x) => Number.isFinite(x))));
const fmt = (ms: number): string => `${ms.toFixed(0).padStart(5)} ms`;

export async function main(_args: string[]): Promise<object> {
  const { mp4, mkv } = await ensureSources(FFMPEG, SOURCE_SECONDS);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-bench-jit-'));
  const stopCleanUp = cleanUpOnSignal(dataDir);
  let cc: Coursecast | null = null;
  try {
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir,
        port: await freePort(),
        adminToken: 'bench-admin-token-0123456789',
        logLevel: 'silent',
        ffmpegPath: FFMPEG,
        ffprobePath: FFPROBE,
        // maxSessions raised from 4 so a session still ending never meets the cap.
        jit: { preset: 'veryfast', maxHeight: 720, segmentSeconds: 4, maxSessions: 8 },
      },
    });
    const observed = observeSessions(createJitMedia(createMediaPaths(dataDir), config));
    cc = await createCoursecast(config, {
      logger: false,
      startQueue: false,
      prepareSession: observed.prepare,
    });
    const base = await cc.listen();
    const courseId = newId('crs');
    await cc.store.createCourse({ id: courseId, title: 'bench', description: '' });
    const subjects: Record<Mode, Subject> = {
      transcode: await subject(
        'transcode',
        await addItem(cc, FFPROBE, courseId, mp4),
        cc,
        base,
        '?maxHeight=720',
      ),
      remux: await subject('remux', await addItem(cc, FFPROBE, courseId, mkv), cc, base, ''),
    };
    const v = subjects.transcode.info.video;
    const rawDir = path.join(dataDir, 'raw');
    const loadBefore = loadAverage();
    log(
      `jit bench: ${cpus().length} cpus, load ${loadBefore}, ${RUNS} runs; source ${v?.width}x${v?.height}` +
        `@${v?.frameRate} ${subjects.transcode.info.durationSeconds.toFixed(1)} s; seek segments ` +
        `transcode ${subjects.transcode.seekIndex}, remux ${subjects.remux.seekIndex} ` +
        `(remux grid: ${subjects.remux.grid.count} segments of ~${subjects.remux.grid.segments[1]?.start} s)`,
    );

    // Warm-up (untimed in the medians): the page cache, and once per mode the argv of the session's live
    // ffmpeg compared with the bench's.
    const argv: Record<Mode, string> = { transcode: 'not checked', remux: 'not checked' };
    const warmup: Record<string, number> = {};
    for (const mode of MODES) {
      const s = subjects[mode];
      warmup[`${mode}_first_open_ms`] = r3(s.firstOpenMs);
      const r = await sessionRun(base, s, observed.marks, (sessionId) => {
        const [pid] = findProcesses(path.join(dataDir, 'jit', sessionId));
        if (pid === undefined) {
          argv[mode] = 'encoder already exited';
          return;
        }
        const dir = path.join(dataDir, 'jit', sessionId);
        const diff = argvDifference(pid, s.args(0, rawDir).args, rawDir, dir);
        argv[mode] = diff ?? 'identical';
      });
      warmup[`${mode}_first_segment_ms`] = r3(r.total);
      warmup[`${mode}_seek_ms`] = r3(r.seek);
      warmup[`raw_${mode}_ms`] = r3(await rawFirstSegment(FFMPEG, s.args(0, rawDir), 0, rawDir));
      log(`warm-up ${mode}: session ${fmt(r.total)} (open ${fmt(r.open)}), argv ${argv[mode]}`);
    }

    const cc_: Record<Mode, SessionRun[]> = { transcode: [], remux: [] };
    const raw: Record<Mode, number[]> = { transcode: [], remux: [] };
    const rawSeek: Record<Mode, number[]> = { transcode: [], remux: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const mode of MODES) {
        const s = subjects[mode];
        const steps = [
          async () => {
            const r = await sessionRun(base, s, observed.marks);
            cc_[mode].push(r);
            log(
              `run ${i + 1}/${RUNS} ${mode.padEnd(9)} coursecast first ${fmt(r.total)} = open ${fmt(r.open)}` +
                ` + master ${fmt(r.master)} + playlist ${fmt(r.playlist)} + segment ${fmt(r.segment)}` +
                ` [to encoder ${fmt(r.toEncoderStart)},` +
                ` spawn ${fmt(r.spawn)}, ffmpeg ${fmt(r.ffmpeg)}, serve ${fmt(r.serve)}]; seek ${fmt(r.seek)}` +
                ` [to encoder ${fmt(r.seekToEncoderStart)}, ffmpeg ${fmt(r.seekFfmpeg)}, serve ${fmt(r.seekServe)},` +
                ` encoder at ${r.positionAtSeek}, restarted ${r.restarted}]; close ${fmt(r.close)}`,
            );
          },
          async () => {
            const t = await rawFirstSegment(FFMPEG, s.args(0, rawDir), 0, rawDir);
            raw[mode].push(t);
            log(`run ${i + 1}/${RUNS} ${mode.padEnd(9)} raw ffmpeg first ${fmt(t)}  load ${loadAverage()}`);
          },
        ];
        for (const step of i % 2 === 0 ? steps : steps.reverse()) await step();
        const t = await rawFirstSegment(FFMPEG, s.args(s.seekIndex, rawDir), s.seekIndex, rawDir);
        rawSeek[mode].push(t);
        log(`run ${i + 1}/${RUNS} ${mode.padEnd(9)} raw ffmpeg at segment ${s.seekIndex} ${fmt(t)}`);
      }
    }
    // Calibration of the serve stage: files of the first segments' sizes, published as plain files and fetched
    // once each through the edge (a miss: origin file + edge), with no ffmpeg running.
    const files: Record<string, Buffer> = {};
    for (const mode of MODES) {
      for (let i = 0; i < RUNS; i++) files[`${mode}-${i}.ts`] = patternBytes(cc_[mode][0]!.firstBytes, i + 1);
    }
    const published = await publishItem(cc, files);
    const staticServe: Record<Mode, number[]> = { transcode: [], remux: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const mode of MODES) {
        const r = await fetchBody(`${base}${published.mediaPath(`${mode}-${i}.ts`)}`);
        if (r.status !== 200) throw new Error(`static ${mode}-${i}.ts answered ${r.status}`);
        staticServe[mode].push(r.ms);
      }
    }
    log(
      `static serve (edge miss, no ffmpeg): ${MODES.map((m) => `${m} ${fmt(median(staticServe[m]))}`).join(', ')}`,
    );
    const loadBeforeBrowser = loadAverage();
    const browser = await browserFirstFrames(base, subjects, BROWSER_RUNS);
    const loadAfter = loadAverage();

    const figures: Record<string, unknown> = {};
    const ratios: Record<string, number> = {};
    const pairedRatios: Record<string, number> = {};
    const details: Record<string, unknown> = {};
    for (const mode of MODES) {
      const runs = cc_[mode];
      const pick = (k: keyof SessionRun): number => med(runs.map((r) => Number(r[k])));
      const rawMs = med(raw[mode]);
      const rawSeekMs = med(rawSeek[mode]);
      figures[`${mode}_first_segment_ms`] = pick('total');
      figures[`${mode}_segment_request_ms`] = pick('segment');
      figures[`${mode}_request_to_published_ms`] = pick('toPublished');
      figures[`${mode}_raw_ms`] = rawMs;
      figures[`${mode}_seek_ms`] = pick('seek');
      figures[`${mode}_seek_to_published_ms`] = pick('seekToPublished');
      figures[`${mode}_raw_seek_ms`] = rawSeekMs;
      ratios[`${mode}_first_segment_over_raw`] = r3(pick('total') / rawMs);
      ratios[`${mode}_segment_request_over_raw`] = r3(pick('segment') / rawMs);
      ratios[`${mode}_published_over_raw`] = r3(pick('toPublished') / rawMs);
      ratios[`${mode}_seek_over_raw`] = r3(pick('seek') / rawSeekMs);
      ratios[`${mode}_seek_published_over_raw`] = r3(pick('seekToPublished') / rawSeekMs);
      // Each coursecast run over the raw run next to it in time: steadier than a ratio of medians when
      // other work on the machine comes and goes.
      const paired = (k: keyof SessionRun, peer: number[]): number =>
        med(runs.map((r, i) => Number(r[k]) / peer[i]!));
      pairedRatios[`${mode}_first_segment_over_raw`] = paired('total', raw[mode]);
      pairedRatios[`${mode}_published_over_raw`] = paired('toPublished', raw[mode]);
      pairedRatios[`${mode}_seek_over_raw`] = paired('seek', rawSeek[mode]);
      pairedRatios[`${mode}_seek_published_over_raw`] = paired('seekToPublished', rawSeek[mode]);
      details[mode] = {
        plan:
          `${subjects[mode].plan.mode}: video ${subjects[mode].plan.video.action}` +
          `${subjects[mode].plan.video.height ? ` ${subjects[mode].plan.video.height}p` : ''}` +
          ` audio ${subjects[mode].plan.audio.action}; reasons ${subjects[mode].plan.reasons.join(',')}`,
        first_segment_bytes: pick('firstBytes'),
        seek_index: subjects[mode].seekIndex,
        seek_start_s: subjects[mode].grid.segments[subjects[mode].seekIndex]!.start,
        breakdown_ms: {
          open: pick('open'),
          master: pick('master'),
          playlist: pick('playlist'),
          segment_request_to_encoder_start: pick('toEncoderStart'),
          encoder_start_to_spawn: pick('spawn'),
          spawn_to_published: pick('ffmpeg'),
          published_to_body: pick('serve'),
        },
        seek_breakdown_ms: {
          request_to_encoder_start: pick('seekToEncoderStart'),
          encoder_start_to_spawn: pick('seekSpawn'),
          spawn_to_published: pick('seekFfmpeg'),
          published_to_body: pick('seekServe'),
        },
        encoder_position_at_seek: runs.map((r) => r.positionAtSeek),
        seek_restarted_encoder: runs.map((r) => r.restarted),
        static_serve_same_bytes_ms: med(staticServe[mode]),
        close_ms: pick('close'),
        all_ms: {
          first_segment: runs.map((r) => r3(r.total)),
          segment_request: runs.map((r) => r3(r.segment)),
          raw: raw[mode].map(r3),
          seek: runs.map((r) => r3(r.seek)),
          raw_seek: rawSeek[mode].map(r3),
        },
      };
    }
    const met = Object.fromEntries(
      MODES.flatMap((mode) => [
        [`${mode}_first_segment`, (ratios[`${mode}_first_segment_over_raw`] ?? Infinity) <= GOAL_RATIO],
        [`${mode}_segment_request`, (ratios[`${mode}_segment_request_over_raw`] ?? Infinity) <= GOAL_RATIO],
      ]),
    );
    Object.assign(met, browser.met);
    return {
      bench: 'jit',
      source: `${v?.width}x${v?.height}@${v?.frameRate} ${subjects.transcode.info.durationSeconds.toFixed(1)}s h264/aac (mp4; mkv -c copy)`,
      cpus: cpus().length,
      runs: RUNS,
      jit: {
        preset: config.jit.preset,
        maxHeight: config.jit.maxHeight,
        segmentSeconds: config.jit.segmentSeconds,
      },
      edge: config.delivery.edge,
      ...figures,
      ...ratios,
      paired_ratios: pairedRatios,
      goal_ratio: GOAL_RATIO,
      browser_runs: BROWSER_RUNS,
      browser_ttff_target_ms: BROWSER_TTFF_TARGET_MS,
      ...browser.figures,
      met,
      argv,
      ...details,
      browser: browser.details,
      warmup,
      load_average_before: loadBefore,
      load_average_before_browser: loadBeforeBrowser,
      load_average_after: loadAfter,
    };
  } finally {
    try {
      await cc?.close();
    } catch (err) {
      log(`close failed: ${String(err)}`);
    }
    killAll();
    await rm(dataDir, { recursive: true, force: true });
    stopCleanUp();
  }
}
