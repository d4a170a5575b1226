import { describe, expect, it } from 'vitest';
import {
  describePackage,
  htmlTitle,
  ManifestError,
  type PackageFile,
  type PackageManifest,
} from './package-manifest.js';

/** An unpacked package held in memory: its file list and a reader that records what it was asked for. */
function pkg(contents: Record<string, string>) {
  const files: PackageFile[] = Object.entries(contents).map(([path, text]) => ({
    path,
    size: Buffer.byteLength(text),
  }));
  const reads: { path: string; maxBytes: number }[] = [];
  const readText = async (path: string, maxBytes: number): Promise<string> => {
    reads.push({ path, maxBytes });
    const text = contents[path];
    if (text === undefined) throw new Error(`no such file ${path}`);
    return Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  };
  return { files, readText, reads, describe: () => describePackage(files, readText) };
}

async function rejection(promise: Promise<PackageManifest>): Promise<ManifestError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ManifestError) return err;
    throw err;
  }
  throw new Error('expected a ManifestError');
}

const SCORM_12 = `<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Fire Safety</title>
    <item identifier="i1" identifierref="sco1" parameters="?module=1"><title>Part 1</title></item>
    <item identifier="i2" identifierref="sco2"><title>Part 2</title></item>
  </organization></organizations>
  <resources>
    <resource identifier="sco1" type="webcontent" adlcp:scormtype="sco" href="LAUNCH_HREF"><file href="course/index.html"/></resource>
    <resource identifier="sco2" type="webcontent" adlcp:scormtype="sco" href="course/part2.html"/>
    <resource identifier="shared" type="webcontent" adlcp:scormtype="asset"><file href="shared/api.js"/></resource>
  </resources>
</manifest>`;

const scorm12 = (launchHref = 'course/index.html'): string => SCORM_12.replace('LAUNCH_HREF', launchHref);
const PAGE = '<!doctype html><html><head><title>Hello</title></head><body></body></html>';

describe('describePackage: SCORM', () => {
  it('describes a SCORM package at the top level, with every file as an asset', async () => {
    const p = pkg({
      'imsmanifest.xml': scorm12(),
      'course/index.html': PAGE,
      'course/part2.html': PAGE,
      'shared/api.js': 'var API = {};',
      'shared/data.bin9': '\u0000\u0001',
    });
    const m = await p.describe();
    expect(m).toMatchObject({
      type: 'scorm_12',
      title: 'Fire Safety',
      launch: 'course/index.html',
      launchParameters: '?module=1',
      root: '',
      scorm: { resources: 3, scos: 2 },
      assetCount: 5,
      totalBytes: p.files.reduce((s, f) => s + f.size, 0),
    });
    expect(m.assets).toContainEqual({
      path: 'imsmanifest.xml',
      size: p.files[0]!.size,
      contentType: 'application/xml',
    });
    expect(m.assets.find((a) => a.path === 'shared/api.js')?.contentType).toBe('text/javascript');
    expect(m.assets.find((a) => a.path === 'shared/data.bin9')?.contentType).toBe('application/octet-stream');
    expect(p.reads).toEqual([{ path: 'imsmanifest.xml', maxBytes: 1024 * 1024 }]);
  });

  it('finds a package an instructor zipped as one folder, ignoring macOS clutter', async () => {
    const p = pkg({
      'Fire Safety/imsmanifest.xml': scorm12(),
      'Fire Safety/course/index.html': PAGE,
      'Fire Safety/.DS_Store': 'x',
      '__MACOSX/Fire Safety/._imsmanifest.xml': 'x',
      '.DS_Store': 'x',
    });
    const m = await p.describe();
    expect(m).toMatchObject({
      root: 'Fire Safety/',
      launch: 'Fire Safety/course/index.html',
      type: 'scorm_12',
    });
    // Assets are every file, clutter included: what to serve is decided elsewhere.
    expect(m.assetCount).toBe(5);
  });

  it('says which launch file the manifest names but the zip lacks', async () => {
    const p = pkg({ 'pkg/imsmanifest.xml': scorm12('course/start.html'), 'pkg/course/index.html': PAGE });
    const err = await rejection(p.describe());
    expect(err.reason).toBe('launch_missing');
    expect(err.message).toMatch(/"pkg\/course\/start\.html" named by imsmanifest\.xml is not in the package/);
    expect(err.detail).toBe('pkg/course/start.html');
  });

  it('matches a percent-encoded launch href against the real file name', async () => {
    const p = pkg({ 'imsmanifest.xml': scorm12('my%20course/index.html'), 'my course/index.html': PAGE });
    expect((await p.describe()).launch).toBe('my course/index.html');
  });

  it('refuses an imsmanifest.xml over 1 MiB without reading it', async () => {
    const p = pkg({ 'imsmanifest.xml': 'x', 'index.html': PAGE });
    p.files[0]!.size = 2 * 1024 * 1024;
    expect((await rejection(p.describe())).reason).toBe('manifest_too_large');
    expect(p.reads).toEqual([]);
  });

  it('passes on a broken imsmanifest.xml as invalid_manifest', async () => {
    const p = pkg({ 'imsmanifest.xml': '<manifest>\n<organizations>\n</manifest>', 'index.html': PAGE });
    const err = await rejection(p.describe());
    expect(err.reason).toBe('invalid_manifest');
    expect(err.message).toMatch(/line 3/);
  });
});

describe('describePackage: where the package starts', () => {
  it.each([
    [['imsmanifest.xml', 'manifest.json', 'index.html', 'index.htm'], 'scorm_12'],
    [['manifest.json', 'index.html', 'index.htm'], 'manifest.json'],
    [['index.html', 'index.htm'], 'index.html'],
    [['index.htm'], 'index.htm'],
  ])('among %j, the first one wins (%s)', async (names, winner) => {
    const contents: Record<string, string> = {
      'course/index.html': PAGE,
      'start.html': '<title>From manifest.json</title>',
    };
    for (const name of names) {
      contents[name] =
        name === 'imsmanifest.xml'
          ? scorm12()
          : name === 'manifest.json'
            ? '{"launch":"start.html"}'
            : `<title>${name}</title>`;
    }
    const m = await pkg(contents).describe();
    if (winner === 'scorm_12') expect(m.type).toBe('scorm_12');
    else if (winner === 'manifest.json') expect(m).toMatchObject({ type: 'html5', launch: 'start.html' });
    else expect(m).toMatchObject({ type: 'html5', launch: winner, title: winner });
  });

  it('prefers an entry file at the top level over one in a folder', async () => {
    const m = await pkg({
      'index.html': PAGE,
      'sub/imsmanifest.xml': scorm12(),
      'sub/course/index.html': PAGE,
    }).describe();
    expect(m).toMatchObject({ type: 'html5', root: '', launch: 'index.html' });
  });

  it.each([
    [{ 'a/index.html': PAGE, 'b/index.html': PAGE }],
    [{ 'a/index.html': PAGE, 'readme.txt': 'hi' }],
    [{ 'a/b/index.html': PAGE }],
    [{ 'course.html': PAGE }],
    [{}],
  ])('finds no launch file in %j', async (contents) => {
    const err = await rejection(pkg(contents).describe());
    expect(err.reason).toBe('no_launch_file');
    expect(err.message).toBe(
      'the package has no imsmanifest.xml, manifest.json, index.html, index.htm at its top level or in a single top-level folder',
    );
  });

  it('ignores directory entries', async () => {
    const p = pkg({ 'site/': '', 'site/index.html': PAGE });
    expect(await p.describe()).toMatchObject({ root: 'site/', launch: 'site/index.html', assetCount: 1 });
  });
});

describe('describePackage: manifest.json', () => {
  it('uses its title, launch file and asset list', async () => {
    const manifest = JSON.stringify({
      title: '  Pendulum lab ',
      launch: 'app/start.html',
      assets: ['app/sim.js', 'app/./data.json'],
    });
    const m = await pkg({
      'lab/manifest.json': manifest,
      'lab/app/start.html': PAGE,
      'lab/app/sim.js': '',
      'lab/app/data.json': '{}',
    }).describe();
    expect(m).toMatchObject({
      type: 'html5',
      title: 'Pendulum lab',
      launch: 'lab/app/start.html',
      root: 'lab/',
      scorm: null,
    });
  });

  it('launches index.html by default and has no title without one', async () => {
    const m = await pkg({ 'manifest.json': '{}', 'index.html': PAGE }).describe();
    expect(m).toMatchObject({ launch: 'index.html', title: null, launchParameters: null });
  });

  it.each([
    ['{"launch": "index.html",}', /manifest\.json is not valid JSON/],
    ['{"launch": 5}', /manifest\.json is invalid: launch: .*expected string/],
    ['{"title": "' + 'x'.repeat(201) + '"}', /title: .*200/],
    ['{"launch": "index.html", "entry": "x"}', /\(root\): Unrecognized key.*"entry"/],
    ['[]', /\(root\): .*expected object/],
    ['{"launch": "../index.html"}', /manifest\.json launch escapes the package/],
  ])('refuses %s', async (json, message) => {
    const err = await rejection(pkg({ 'manifest.json': json, 'index.html': PAGE }).describe());
    expect(err.reason).toBe('invalid_manifest');
    expect(err.message).toMatch(message);
  });

  it('says when the launch file it names is missing', async () => {
    const err = await rejection(
      pkg({ 'manifest.json': '{"launch":"play.html"}', 'index.html': PAGE }).describe(),
    );
    expect(err.reason).toBe('launch_missing');
    expect(err.message).toMatch(/"play\.html" named by manifest\.json/);
  });

  it('names up to five listed assets that are missing', async () => {
    const assets = ['index.html', 'a.js', 'b.js', 'c.js', 'd.js', 'e.js', 'f.js', 'g.js'];
    const err = await rejection(
      pkg({ 'manifest.json': JSON.stringify({ assets }), 'index.html': PAGE }).describe(),
    );
    expect(err.reason).toBe('invalid_manifest');
    expect(err.message).toBe(
      'manifest.json lists 7 asset(s) missing from the package: a.js, b.js, c.js, d.js, e.js and 2 more',
    );
  });
});

describe('describePackage: index.html', () => {
  it('takes the title from <title>, reading at most 64 KiB', async () => {
    const p = pkg({ 'index.html': '<html><head>\n<title>\n  Intro &amp; Basics\n</title>', 'app.js': '' });
    expect(await p.describe()).toMatchObject({
      type: 'html5',
      title: 'Intro & Basics',
      launch: 'index.html',
      scorm: null,
    });
    expect(p.reads).toEqual([{ path: 'index.html', maxBytes: 64 * 1024 }]);
  });

  it('has no title when the page has none within what was read', async () => {
    expect((await pkg({ 'index.htm': '<p>no title</p>' }).describe()).title).toBeNull();
    const late = `<html><body>${'x'.repeat(70_000)}<title>too late</title>`;
    expect((await pkg({ 'index.html': late }).describe()).title).toBeNull();
  });
});

describe('htmlTitle', () => {
  it.each([
    ['<title>Plain</title>', 'Plain'],
    ['<TITLE lang="en">Upper</TITLE >', 'Upper'],
    ['<title>&lt;b&gt; &quot;q&quot; &#39;s&#39; &apos;a&apos; &amp;amp;</title>', `<b> "q" 's' 'a' &amp;`],
    ['<title>&nbsp;&eacute;</title>', '&nbsp;&eacute;'],
    ['<!-- <title>Old</title> --><title>New</title>', 'New'],
    ['<title>   </title>', null],
    ['<title>unclosed', null],
    ['<p>none</p>', null],
  ])('%j gives %j', (html, title) => {
    expect(htmlTitle(html)).toBe(title);
  });
});
