import { openAsBlob } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  CaptionListResponse,
  CourseListResponse,
  CourseResponse,
  CourseWithItemsResponse,
  ItemResponse,
  JobProgressEvent,
  UploadResponse,
} from '@coursecast/api';
import { generateTestClip } from '@coursecast/media/samples';
import type { Config } from '../config.js';
import { createCoursecast, type Coursecast } from '../main.js';
import { createProgressBar } from './progress-bar.js';
import { sampleCaptions } from './sample-captions.js';
import { samplePdf } from './sample-pdf.js';
import { scormPackage } from './sample-scorm.js';
import { readSse } from './sse-reader.js';

export interface DemoOptions {
  /** Exit once the ladder is ready instead of serving. */
  once?: boolean;
  seconds?: number;
  height?: number;
}

const COURSE_TITLE = 'Sample course';
const LECTURE_TITLE = 'Demo lecture';
const HANDOUT_TITLE = 'Course handout';
const MODULE_TITLE = 'Interactive check (SCORM 2004)';

interface Api {
  (method: string, urlPath: string, body?: unknown): Promise<unknown>;
}

function apiClient(base: string, token: string): Api {
  return async (method, urlPath, body) => {
    const res = await fetch(`${base}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${urlPath} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
}

async function sampleLecture(config: Config, options: DemoOptions): Promise<string> {
  const seconds = options.seconds ?? 16;
  const height = options.height ?? 1080;
  const file = path.join(config.dataDir, 'samples', `demo-lecture-${height}p-${seconds}s.mp4`);
  if (await stat(file).catch(() => null)) return file;
  await mkdir(path.dirname(file), { recursive: true });
  process.stderr.write(
    `generating a ${seconds} s ${height}p sample lecture with ffmpeg (testsrc2 + sine)...\n`,
  );
  await generateTestClip({
    ffmpegPath: config.ffmpegPath,
    out: file,
    seconds,
    width: Math.round((height * 16) / 9 / 2) * 2,
    height,
    fps: 30,
  });
  return file;
}

/** Gives the demo lecture English captions unless it has some: the captions menu and transcript have words to show. */
async function ensureCaptions(base: string, token: string, itemId: string, seconds: number): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const listed = await fetch(`${base}/api/items/${itemId}/captions`, { headers });
  if (!listed.ok)
    throw new Error(`the demo lecture's captions answered ${listed.status}: ${await listed.text()}`);
  const { tracks } = (await listed.json()) as CaptionListResponse;
  if (tracks.length > 0) return;
  const res = await fetch(`${base}/api/items/${itemId}/captions?language=en&label=English`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/vtt' },
    body: sampleCaptions(seconds),
  });
  if (!res.ok) throw new Error(`the demo captions answered ${res.status}: ${await res.text()}`);
}

/** Uploads a generated file unless the course has an item of that title; answers the item's id. */
async function ensureMaterial(
  base: string,
  token: string,
  courseId: string,
  existing: { id: string; title: string }[],
  title: string,
  name: string,
  make: () => Promise<Buffer> | Buffer,
): Promise<string> {
  const found = existing.find((i) => i.title === title);
  if (found) return found.id;
  const form = new FormData();
  form.set('title', title);
  form.set('file', new Blob([await make()]), name);
  process.stderr.write(`uploading ${name} to the sample course...\n`);
  const res = await fetch(`${base}/api/courses/${courseId}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as UploadResponse;
  if (!res.ok) throw new Error(`upload of ${name} answered ${res.status}: ${JSON.stringify(body)}`);
  return body.item.id;
}

async function followJob(
  base: string,
  token: string,
  jobId: string,
): Promise<{ state: string; error: string | null }> {
  const res = await fetch(`${base}/api/jobs/${jobId}/events`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok || !res.body) throw new Error(`job events answered ${res.status}`);
  const bar = createProgressBar('transcoding');
  try {
    for await (const frame of readSse(res.body)) {
      // A `done` event's data is a progress event's without `rungs`.
      const data = JSON.parse(frame.data) as JobProgressEvent;
      const label = data.rungs?.map((r) => `${r.name}:${r.segments}`).join(' ') ?? data.job.state;
      bar.update(data.job.progress, data.job.speed, data.job.etaSeconds, label);
      if (frame.event === 'done') {
        if (data.job.state === 'succeeded') bar.update(100, data.job.speed, 0, 'done');
        return { state: data.job.state, error: data.job.error };
      }
    }
  } finally {
    bar.stop();
  }
  throw new Error('the job event stream ended before the job finished');
}

/**
 * `coursecast demo`: serves, makes a sample lecture if there is none, uploads it into a sample course
 * through the real API, shows the transcode progress, then prints the URLs and keeps serving.
 */
export async function demoCommand(
  config: Config,
  options: DemoOptions,
): Promise<{ code: number; cc: Coursecast }> {
  const cc = await createCoursecast(config, {
    logger: { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
  });
  const base = await cc.listen();
  const token = cc.admin.token;
  const api = apiClient(base, token);

  const { courses } = (await api('GET', '/api/courses')) as CourseListResponse;
  const course =
    courses.find((c) => c.title === COURSE_TITLE) ??
    (
      (await api('POST', '/api/courses', {
        title: COURSE_TITLE,
        description: 'Created by coursecast demo',
        listed: true,
      })) as CourseResponse
    ).course;
  // A demo course from before courses could be listed: on the home page too.
  if (!course.listed) await api('PATCH', `/api/courses/${course.id}`, { listed: true });
  const { items } = (await api('GET', `/api/courses/${course.id}`)) as CourseWithItemsResponse;
  let item: { id: string } | undefined = items.find((i) => i.title === LECTURE_TITLE && i.status === 'ready');
  if (!item) {
    const file = await sampleLecture(config, options);
    const form = new FormData();
    form.set('title', LECTURE_TITLE);
    form.set('file', await openAsBlob(file, { type: 'video/mp4' }), path.basename(file));
    process.stderr.write(`uploading ${path.basename(file)} to course "${course.title}"...\n`);
    const res = await fetch(`${base}/api/courses/${course.id}/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const uploaded = (await res.json()) as UploadResponse;
    if (!res.ok) throw new Error(`upload answered ${res.status}: ${JSON.stringify(uploaded)}`);
    // A video upload always queues its transcode.
    if (!uploaded.job) throw new Error(`the upload of ${path.basename(file)} queued no transcode`);
    const outcome = await followJob(base, token, uploaded.job.id);
    if (outcome.state !== 'succeeded') {
      process.stderr.write(`transcode ${outcome.state}: ${outcome.error ?? 'unknown error'}\n`);
      return { code: 1, cc };
    }
    item = uploaded.item;
  }
  await ensureCaptions(base, token, item.id, options.seconds ?? 16);
  // A document and an interactive module beside the lecture, as a course has.
  const handoutId = await ensureMaterial(base, token, course.id, items, HANDOUT_TITLE, 'handout.pdf', () =>
    samplePdf([
      'Course handout',
      'This PDF was generated by coursecast demo.',
      'It is delivered through the edge like the lecture, with range requests,',
      'and its load in your browser is measured and traced.',
    ]),
  );
  const moduleId = await ensureMaterial(base, token, course.id, items, MODULE_TITLE, 'check.zip', () =>
    scormPackage('2004'),
  );
  const view = (await api('GET', `/api/items/${item.id}`)) as ItemResponse;
  const lines = [
    '',
    `coursecast is serving at ${base}`,
    `  home             ${base}/   (the listed courses)`,
    `  studio           ${base}/studio/   (courses and uploads; sign in with the admin token)`,
    `  master playlist  ${view.playback?.hls ?? '(not ready)'}`,
    ...view.renditions.map(
      (r) =>
        `    ${r.name.padEnd(6)} ${r.width}x${r.height} ${Math.round(r.averageBitrate / 1000)} kb/s (${r.mode})`,
    ),
    `  poster           ${view.playback?.poster ?? '-'}`,
    `  item (JSON)      ${base}/api/items/${item.id}`,
    `  course page      ${base}/courses/${course.id}`,
    `  watch            ${base}/watch/${item.id}`,
    `  handout (PDF)    ${base}/learn/${handoutId}`,
    `  module (SCORM)   ${base}/learn/${moduleId}`,
    `  metrics          ${base}/metrics`,
    `  dashboard        ${base}/dashboard/   (sign in with the admin token)`,
    cc.admin.source === 'config'
      ? '  admin token      (from your configuration)'
      : `  admin token      ${token}   (kept in ${cc.admin.file ?? 'the data dir'})`,
    `  try: curl -sD - -o /dev/null ${view.playback?.hls ?? ''}   (Cache-Status, Server-Timing)`,
    cc.edge
      ? `  edge             embedded; a standalone node: coursecast --port 8081 edge --origin ${base}`
      : '  edge             off: the origin answers /media/ directly',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return { code: 0, cc };
}
