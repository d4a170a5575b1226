import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ATTR_PACKAGE_BYTES,
  ATTR_PACKAGE_ENTRIES,
  ATTR_PACKAGE_REJECTION,
  ATTR_PACKAGE_TYPE,
  SPAN_CONTENT_UNPACK_PACKAGE,
} from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, postUpload } from '../../test-support/api-calls.js';
import { multipartBody } from '../../test-support/multipart.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { PACKAGE_CSP } from '../delivery/http/package-headers.js';
import { samplePdf } from '../cli/sample-pdf.js';
import { scormFiles, scormPackage } from '../cli/sample-scorm.js';
import { scormMalformedManifest, scormMissingLaunch } from '../../test-support/scorm-fixtures.js';
import { buildZip, refusedPackage } from '../../test-support/zip-fixtures.js';
import { ZIP_REJECTIONS } from './zip/zip-unpacker.js';

type Answer = {
  item: { id: string; kind: string; status: string; title: string };
  content: Record<string, unknown> & { url?: string; launchUrl?: string; manifestUrl?: string };
};
type ErrorAnswer = { error: { code: string; message: string; details?: Record<string, unknown> } };

const LIMITS = { packageMaxEntries: 40, packageMaxBytes: 8 * 1024 * 1024, packageMaxRatio: 200 };
let t: TestServer;
let courseId: string;

beforeAll(async () => {
  t = await startTestServer({ upload: LIMITS }, { startQueue: false });
  courseId = await createCourse(t);
});
afterAll(async () => {
  await t?.close();
});

const upload = async (name: string, content: Buffer, fields: Record<string, string> = {}) =>
  postUpload(t, courseId, await multipartBody({ name, content }, fields));
const get = (url: string, headers: Record<string, string> = {}) =>
  t.cc.app.inject({ url: new URL(url).pathname + new URL(url).search, headers });

/** Every file under the data dir (and the tmp dir's absolute-path target), to prove a refusal wrote nothing. */
async function filesOnDisk(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else out.push(path.relative(t.dataDir, full));
    }
  };
  await walk(t.dataDir);
  return out.filter((f) => !/\.(duckdb|wal)$/.test(f) && !f.startsWith('telemetry')).sort();
}

describe('documents', () => {
  it('publishes a PDF and delivers it through the edge, ranges included', async () => {
    const pdf = samplePdf(['Week 3 slides']);
    const res = await upload('Week 3 — slides.pdf', pdf);
    expect(res.statusCode, res.body).toBe(201);
    const { item, content } = res.json<Answer>();
    expect(item).toMatchObject({ kind: 'document', status: 'ready', title: 'Week 3 — slides' });
    expect(content).toMatchObject({ kind: 'document', format: 'pdf', bytes: pdf.length });
    expect(content.url).toMatch(/\/media\/itm_\w+\/ver_\w+\/Week-3-slides\.pdf$/);

    const whole = await get(content.url!);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('application/pdf');
    expect(whole.headers['x-content-type-options']).toBe('nosniff');
    expect(whole.rawPayload.equals(pdf)).toBe(true);
    const part = await get(content.url!, { range: 'bytes=0-7' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-7/${pdf.length}`);
    expect(part.body).toBe('%PDF-1.4');
    // Second request: from the edge's memory.
    expect(String(part.headers['cache-status'])).toMatch(/hit/);

    // The course lists it with its public link; the item can't be transcoded or played as a video.
    const course = await t.cc.app.inject({ url: `/api/courses/${courseId}` });
    const listed = course.json<{ items: Answer['item'][] & { content: unknown }[] }>().items;
    expect(listed.find((i) => i.id === item.id)).toMatchObject({
      kind: 'document',
      content: { url: content.url },
    });
    const transcode = await t.cc.app.inject({
      method: 'POST',
      url: `/api/items/${item.id}/transcode`,
      headers: t.auth,
    });
    expect(transcode.statusCode).toBe(409);
  });

  it.each([
    [
      'a text file named .pdf',
      'notes.pdf',
      Buffer.from('just some notes\n'),
      'invalid_document',
      /not a PDF/,
    ],
    [
      'a truncated PDF',
      'cut.pdf',
      samplePdf(['cut short']).subarray(0, 200),
      'invalid_document',
      /EOF|truncated/i,
    ],
    ['a PDF declared as a package', 'deck.pdf', samplePdf(['x']), 'kind_mismatch', /interactive/],
  ])(
    'refuses %s with a clear error and leaves nothing behind',
    async (_what, name, content, code, message) => {
      const before = await filesOnDisk();
      const fields: Record<string, string> = code === 'kind_mismatch' ? { kind: 'interactive' } : {};
      const res = await upload(name, content, fields);
      expect(res.statusCode, res.body).toBe(422);
      const { error } = res.json<ErrorAnswer>();
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(await filesOnDisk()).toEqual(before);
    },
  );
});

describe('interactive packages', () => {
  it('publishes a SCORM 2004 package with the runtime injected and every file sandboxed at the edge', async () => {
    const zip = await scormPackage('2004');
    const res = await upload('safety.zip', zip);
    expect(res.statusCode, res.body).toBe(201);
    const { item, content } = res.json<Answer>();
    expect(item).toMatchObject({ kind: 'interactive', status: 'ready', title: 'Safety basics (SCORM 2004)' });
    expect(content).toMatchObject({ kind: 'interactive', packageType: 'scorm_2004', assetCount: 6 });
    expect(content.launchUrl).toMatch(/\/media\/itm_\w+\/ver_\w+\/content\/lesson\.html$/);

    const manifest = await get(content.manifestUrl!);
    expect(manifest.statusCode).toBe(200);
    const m = manifest.json<{ assets: { path: string; size: number }[]; totalBytes: number }>();
    expect(m.assets.map((a) => a.path).sort()).toEqual([
      '__coursecast/scorm-runtime.js',
      'content/lesson.html',
      'css/lesson.css',
      'img/dot.png',
      'imsmanifest.xml',
      'js/lesson.js',
    ]);
    expect(m.totalBytes).toBe(m.assets.reduce((s, a) => s + a.size, 0));

    const launch = await get(content.launchUrl!);
    expect(launch.statusCode).toBe(200);
    expect(launch.headers['content-type']).toMatch(/^text\/html/);
    expect(launch.headers['content-security-policy']).toBe(PACKAGE_CSP);
    // First in <head>, relative to the launch file, before the package's own script.
    expect(launch.body).toMatch(/<head><script src="\.\.\/__coursecast\/scorm-runtime\.js"><\/script>/);
    expect(m.assets.find((a) => a.path === 'content/lesson.html')?.size).toBe(launch.rawPayload.length);
    const again = await get(content.launchUrl!);
    expect(String(again.headers['cache-status'])).toMatch(/hit/);
    expect(again.headers['content-security-policy']).toBe(PACKAGE_CSP);
    const runtime = await get(
      content.launchUrl!.replace('content/lesson.html', '__coursecast/scorm-runtime.js'),
    );
    expect(runtime.statusCode).toBe(200);
    expect(runtime.body).toContain('__coursecastLaunch');

    // The zip itself stays private: no direct source URL for packages.
    const source = await t.cc.app.inject({ url: `/media/${item.id}/source/source.zip` });
    expect(source.statusCode).toBe(404);

    const span = t.spans
      .getFinishedSpans()
      .find((s) => s.name === SPAN_CONTENT_UNPACK_PACKAGE && s.attributes['content.item_id'] === item.id);
    expect(span?.attributes).toMatchObject({
      [ATTR_PACKAGE_TYPE]: 'scorm_2004',
      [ATTR_PACKAGE_ENTRIES]: 5,
      [ATTR_PACKAGE_BYTES]: expect.any(Number) as unknown,
    });
  });

  it('takes a plain HTML5 zip wrapped in one folder, and a SCORM 1.2 package', async () => {
    const html5 = await buildZip([
      { path: 'My course/index.html', data: '<!doctype html><title>Intro module</title><p>hi</p>' },
      { path: 'My course/app.js', data: 'console.log(1)' },
    ]);
    const a = await upload('intro.zip', html5);
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json<Answer>().content).toMatchObject({
      packageType: 'html5',
      title: 'Intro module',
      assetCount: 2,
    });
    expect(a.json<Answer>().content.launchUrl).toMatch(/\/My%20course\/index\.html$/);
    const page = await get(a.json<Answer>().content.launchUrl!);
    expect(page.body).not.toContain('scorm-runtime');
    const b = await upload('scorm12.zip', await scormPackage('1.2'));
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json<Answer>().content).toMatchObject({ packageType: 'scorm_12' });
  });

  const refusals: [string, () => Promise<{ name: string; zip: Buffer }>, string][] = [
    ...ZIP_REJECTIONS.map((reason): [string, () => Promise<{ name: string; zip: Buffer }>, string] => [
      reason,
      async () => ({ name: `${reason}.zip`, zip: (await refusedPackage(reason, toLimits())).zip }),
      reason,
    ]),
    [
      'a zip cut in the middle',
      async () => {
        const zip = await scormPackage('2004');
        return { name: 'cut.zip', zip: zip.subarray(0, Math.floor(zip.length / 2)) };
      },
      'corrupt_zip',
    ],
    [
      'a SCORM manifest naming a missing launch file',
      async () => ({ name: 'm.zip', zip: await scormMissingLaunch() }),
      'launch_missing',
    ],
    [
      'a malformed XML manifest',
      async () => ({ name: 'x.zip', zip: await scormMalformedManifest() }),
      'invalid_manifest',
    ],
    [
      'a zip with no launch file',
      async () => ({ name: 'n.zip', zip: await buildZip([{ path: 'readme.txt', data: 'hello' }]) }),
      'no_launch_file',
    ],
  ];

  it.each(refusals)(
    'refuses %s, names the reason, and writes nothing anywhere',
    async (_what, make, reason) => {
      const { name, zip } = await make();
      const before = await filesOnDisk();
      const items = (await t.cc.store.listItems(courseId)).length;
      const res = await upload(name, zip);
      expect(res.statusCode, res.body).toBe(422);
      const { error } = res.json<ErrorAnswer>();
      expect(error.code).toBe('invalid_package');
      expect(error.details?.['reason']).toBe(reason);
      expect(error.message.length).toBeGreaterThan(10);
      expect(await filesOnDisk()).toEqual(before);
      expect((await t.cc.store.listItems(courseId)).length).toBe(items);
      expect(existsSync(path.join(t.dataDir, '..', 'escaped.html'))).toBe(false);
      expect(existsSync('/tmp/coursecast-absolute.html')).toBe(false);
      // Refusals that got as far as the unpacker carry their reason on its span.
      if (name !== 'corrupt_zip.zip') {
        const spans = t.spans.getFinishedSpans().filter((s) => s.name === SPAN_CONTENT_UNPACK_PACKAGE);
        expect(spans.at(-1)?.attributes[ATTR_PACKAGE_REJECTION]).toBe(reason);
      }
    },
  );

  it("launches with the manifest's query and item parameters", async () => {
    const manifest = scormFiles('2004')
      .find((f) => f.path === 'imsmanifest.xml')!
      .data.toString()
      .replace('identifierref="res1"', 'identifierref="res1" parameters="#start"')
      .replace(
        'adlcp:scormType="sco" href="content/lesson.html"',
        'adlcp:scormType="sco" href="content/lesson.html?lang=en"',
      );
    const res = await upload('params.zip', await scormPackage('2004', { 'imsmanifest.xml': manifest }));
    expect(res.statusCode, res.body).toBe(201);
    const launchUrl = res.json<Answer>().content.launchUrl!;
    expect(launchUrl).toMatch(/\/content\/lesson\.html\?lang=en#start$/);
    expect((await get(launchUrl)).statusCode).toBe(200);
  });

  it('deletes a package with its files, and the edge stops serving it', async () => {
    const res = await upload('gone.zip', await scormPackage('1.2'));
    const { item, content } = res.json<Answer>();
    expect((await get(content.launchUrl!)).statusCode).toBe(200);
    const del = await t.cc.app.inject({ method: 'DELETE', url: `/api/items/${item.id}`, headers: t.auth });
    expect(del.statusCode).toBe(204);
    expect(existsSync(path.join(t.dataDir, 'media', item.id))).toBe(false);
    expect(existsSync(path.join(t.dataDir, 'uploads', item.id))).toBe(false);
    expect((await get(content.launchUrl!)).statusCode).toBe(404);
  });

  it('counts unpacks by type and outcome on /metrics', async () => {
    const res = await t.cc.app.inject({ url: '/metrics' });
    expect(res.body).toMatch(
      /content_package_unpacks_total\{[^}]*content_package_type="scorm_2004"[^}]*content_package_outcome="published"[^}]*\} [1-9]/,
    );
    expect(res.body).toMatch(
      /content_package_unpacks_total\{[^}]*content_package_rejection="zip_slip"[^}]*\} 1/,
    );
  });
});

function toLimits() {
  return {
    maxEntries: LIMITS.packageMaxEntries,
    maxTotalBytes: LIMITS.packageMaxBytes,
    maxEntryBytes: LIMITS.packageMaxBytes,
    maxRatio: LIMITS.packageMaxRatio,
  };
}

it('keeps the sample PDF byte-exact on disk as the item source', async () => {
  const pdf = samplePdf(['source check']);
  const res = await upload('check.pdf', pdf);
  const stored = await t.cc.store.getItem(res.json<Answer>().item.id);
  expect(stored?.sourceFile).toMatch(/^uploads\/itm_\w+\/source\.pdf$/);
  expect((await readFile(path.join(t.dataDir, stored!.sourceFile!))).equals(pdf)).toBe(true);
});
