import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, postUpload } from '../../../test-support/api-calls.js';
import { multipartBody } from '../../../test-support/multipart.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';
import { scormFiles, scormPackage, zipFiles } from '../../cli/sample-scorm.js';
import { samplePdf } from '../../cli/sample-pdf.js';
import { flowOnlyPackage } from '../../../test-support/authoring-packages.js';

interface Answer {
  item: { id: string };
  content: { launchUrl: string; launchFrameUrl: string };
}

let t: TestServer;
let pkg: Answer;
let pdfId: string;
let app: string;

beforeAll(async () => {
  t = await startTestServer(
    { content: { packageSources: ['https:', 'http://127.0.0.1:9'] } },
    { startQueue: false },
  );
  await t.cc.listen();
  app = new URL(t.cc.url()).origin;
  const courseId = await createCourse(t);
  const up = async (name: string, content: Buffer) =>
    postUpload(t, courseId, await multipartBody({ name, content }));
  pkg = (await up('lesson.zip', await scormPackage('1.2'))).json<Answer>();
  pdfId = (await up('notes.pdf', samplePdf(['notes']))).json<Answer>().item.id;
});

afterAll(async () => {
  await t?.close();
});

const content = (url: string) => fetch(new URL(url, t.cc.contentUrl()));

describe('the content origin', () => {
  it('is another origin than the app’s, and the item names its launch frame there', () => {
    const contentOrigin = new URL(t.cc.contentUrl()).origin;
    expect(contentOrigin).not.toBe(app);
    expect(new URL(pkg.content.launchFrameUrl).origin).toBe(contentOrigin);
    expect(new URL(pkg.content.launchUrl).origin).toBe(contentOrigin);
  });

  it('serves the launch frame to the app’s origins only, with the launch in a JSON block', async () => {
    const res = await content(`${pkg.content.launchFrameUrl}?parent=${encodeURIComponent(app)}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${app}`);
    expect(csp).toContain("script-src 'self'");
    const html = await res.text();
    const config = JSON.parse(
      /<script type="application\/json" id="coursecast-launch">(.*?)<\/script>/s.exec(html)![1]!,
    ) as Record<string, unknown>;
    expect(config).toMatchObject({ scormVersion: '1.2', appOrigin: app, timeoutMs: 30_000 });
    expect(config.launchUrl).toBe(new URL(pkg.content.launchUrl).pathname);
    const script = await content('/launch/launch-frame.js');
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('coursecast-launch');
  });

  it('starts the runtime with the launched item’s launch data from its manifest', async () => {
    const [manifest] = scormFiles('1.2').filter((f) => f.path === 'imsmanifest.xml');
    const withMastery = String(manifest!.data).replace(
      '<title>Lesson 1</title></item>',
      '<title>Lesson 1</title><adlcp:masteryscore>80</adlcp:masteryscore></item>',
    );
    const zip = await zipFiles(scormFiles('1.2', { 'imsmanifest.xml': withMastery }));
    const courseId = await createCourse(t, 'Mastery');
    const up = await postUpload(t, courseId, await multipartBody({ name: 'mastery.zip', content: zip }));
    const { content: c } = up.json<Answer>();
    const html = await (await content(`${c.launchFrameUrl}?parent=${encodeURIComponent(app)}`)).text();
    const config = JSON.parse(
      /<script type="application\/json" id="coursecast-launch">(.*?)<\/script>/s.exec(html)![1]!,
    ) as { initial: Record<string, string> };
    expect(config.initial).toEqual({ 'cmi.student_data.mastery_score': '80' });
  });

  it('gives a multi-SCO course its organization, each SCO with its URL there; a single SCO none', async () => {
    const courseId = await createCourse(t, 'Flow');
    const up = await postUpload(
      t,
      courseId,
      await multipartBody({ name: 'flow.zip', content: await zipFiles(flowOnlyPackage(3)) }),
    );
    const { item, content: c } = up.json<Answer>();
    const read = async (url: string) =>
      JSON.parse(
        /<script type="application\/json" id="coursecast-launch">(.*?)<\/script>/s.exec(
          await (
            await content(
              `${url}?parent=${encodeURIComponent(app)}&traceparent=00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
            )
          ).text(),
        )![1]!,
      ) as { organization?: { sequencing: unknown; children: { id: string; url: string }[] } };
    const config = await read(c.launchFrameUrl);
    expect(config.organization?.sequencing).toEqual({ choice: false, flow: true });
    expect(config.organization?.children.map((a) => [a.id, a.url])).toEqual(
      [1, 2, 3].map((n): [string, unknown] => [
        `sco_${n}`,
        expect.stringMatching(
          new RegExp(`^/media/${item.id}/[^/]+/sco-${n}/index\\.html\\?traceparent=00-a{32}-b{16}-01$`),
        ),
      ]),
    );
    for (const a of config.organization?.children ?? [])
      expect((await content(a.url.split('?')[0]!)).status).toBe(200);
    expect((await read(pkg.content.launchFrameUrl)).organization).toBeUndefined();
  });

  it('refuses a parent that is not the app’s, an unknown item and an item that is no package', async () => {
    const evil = await content(
      `${pkg.content.launchFrameUrl}?parent=${encodeURIComponent('https://evil.example')}`,
    );
    expect(evil.status).toBe(400);
    expect(((await evil.json()) as { error: { message: string } }).error.message).toMatch(
      /https:\/\/evil\.example" is not an origin of this server's app/,
    );
    expect((await content(`/launch/itm_nope?parent=${encodeURIComponent(app)}`)).status).toBe(404);
    const pdf = await content(`/launch/${pdfId}?parent=${encodeURIComponent(app)}`);
    expect(pdf.status).toBe(404);
    expect((await content('/launch/..%2Fetc?parent=x')).status).toBe(400);
    const forgedTrace = await content(
      `${pkg.content.launchFrameUrl}?parent=${encodeURIComponent(app)}&traceparent=${encodeURIComponent('x#<b>')}`,
    );
    expect(forgedTrace.status).toBe(400);
    expect(((await forgedTrace.json()) as { error: { message: string } }).error.message).toMatch(
      /traceparent/,
    );
  });

  it('serves package files without a sandbox, under a policy naming the configured sources', async () => {
    const res = await content(pkg.content.launchUrl);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).not.toMatch(/sandbox/);
    expect(csp).toContain("script-src 'self' 'unsafe-inline' 'unsafe-eval' https: http://127.0.0.1:9");
    expect(csp).toContain(`frame-ancestors 'self' ${app}`);
    expect(csp).toContain("form-action 'self'");
    // Every package's copy of the page half is today's build (old packages carried the old runtime).
    const runtime = await content(
      pkg.content.launchUrl.replace(/[^/]+\/[^/]+$/, '__coursecast/scorm-runtime.js'),
    );
    expect(runtime.status).toBe(200);
    expect(await runtime.text()).toContain('__coursecastLaunch');
  });

  it('serves nothing of the app: no API, no pages, no other item’s files', async () => {
    expect((await content('/api/courses')).status).toBe(404);
    expect((await content(`/learn/${pkg.item.id}`)).status).toBe(404);
    const item = await t.cc.app.inject({ url: `/api/items/${pdfId}` });
    const pdfUrl = item.json<{ content: { url: string } }>().content.url;
    const onContent = await content(new URL(pdfUrl).pathname);
    expect(onContent.status).toBe(404);
    expect(((await onContent.json()) as { error: { message: string } }).error.message).toMatch(
      /is not served on this origin/,
    );
  });
});
