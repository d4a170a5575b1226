import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { zipFiles, type PackageFile } from '../cli/sample-scorm.js';
import { parseScormManifest, type ScormManifest } from './scorm/scorm-manifest.js';
import {
  danglingDefaultPackage,
  externalAssetFiles,
  externalAssetsPackage,
  findSystemFont,
  flowOnlyPackage,
  framesetDriverPackage,
  hostilePackage,
  html5Package,
  neverInitializesPackage,
  noApiLookupPackage,
  parentFirstPackage,
  postTestRollupPackage,
  workerPackage,
} from '../../test-support/authoring-packages.js';

// The e2e test's packages must be packages our own parser accepts, complete, and with scripts that parse:
// otherwise a failure there would be the fixture's, not the launch's.
const SCORM_PACKAGES: Record<string, () => PackageFile[]> = {
  'parent-first 1.2': () => parentFirstPackage('1.2'),
  'parent-first 2004': () => parentFirstPackage('2004'),
  'frameset driver': framesetDriverPackage,
  worker: workerPackage,
  'external assets': () => externalAssetsPackage('http://127.0.0.1:9999'),
  'flow only': () => flowOnlyPackage(),
  'post-test rollup': postTestRollupPackage,
  'never initializes': neverInitializesPackage,
  'no API lookup': noApiLookupPackage,
  'dangling default': danglingDefaultPackage,
  hostile: hostilePackage,
};

function text(files: readonly PackageFile[], path: string): string {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`${path} is not in the package`);
  return file.data.toString();
}

function checkScorm(files: readonly PackageFile[]): ScormManifest {
  const paths = new Set(files.map((f) => f.path));
  expect(paths.size).toBe(files.length);
  const manifest = parseScormManifest(text(files, 'imsmanifest.xml'));
  expect(paths.has(manifest.launch)).toBe(true);
  for (const resource of manifest.resources) {
    if (resource.href) expect(paths.has(resource.href.replace(/[?#].*$/, ''))).toBe(true);
    for (const f of resource.files) expect(paths.has(f)).toBe(true);
  }
  return manifest;
}

function scriptsParse(files: readonly PackageFile[]): void {
  for (const f of files.filter((file) => file.path.endsWith('.js'))) {
    expect(() => new Script(f.data.toString(), { filename: f.path })).not.toThrow();
  }
}

describe('authoring-tool packages', () => {
  for (const [name, make] of Object.entries(SCORM_PACKAGES)) {
    it(`${name}: the manifest parses, every file it names exists, scripts parse, it zips`, async () => {
      const files = make();
      checkScorm(files);
      scriptsParse(files);
      expect(Buffer.isBuffer(await zipFiles(files))).toBe(true);
    });
  }

  it('launches what each package means to launch, in its edition', () => {
    expect(parseScormManifest(text(parentFirstPackage('1.2'), 'imsmanifest.xml')).type).toBe('scorm_12');
    expect(parseScormManifest(text(parentFirstPackage('2004'), 'imsmanifest.xml')).type).toBe('scorm_2004');
    expect(checkScorm(framesetDriverPackage()).launch).toBe('scormdriver/indexAPI.html');
    const postTest = checkScorm(postTestRollupPackage());
    expect(postTest.type).toBe('scorm_2004');
    expect(postTest.launch).toBe('content-1/index.html');
  });

  it('flow only: one item and one SCO per lesson, sequenced flow-only', () => {
    for (const count of [18, 3]) {
      const files = flowOnlyPackage(count);
      const xml = text(files, 'imsmanifest.xml');
      const manifest = checkScorm(files);
      expect(manifest.launch).toBe('sco-1/index.html');
      expect(manifest.resources.filter((r) => r.scormType === 'sco')).toHaveLength(count);
      expect(xml.match(/<item /g)).toHaveLength(count);
      expect(xml).toContain('<imsss:controlMode choice="false" flow="true"/>');
      expect(text(files, `sco-${count}/index.html`)).toContain('data-nav="exitAll"');
      expect(text(files, `sco-${count - 1}/index.html`)).toContain('data-nav="continue"');
    }
  });

  it('post-test rollup: three content SCOs outside satisfaction rollup, and the test that decides it', () => {
    const xml = text(postTestRollupPackage(), 'imsmanifest.xml');
    expect(xml.match(/<item /g)).toHaveLength(4);
    expect(xml.match(/rollupObjectiveSatisfied="false"/g)).toHaveLength(3);
    expect(xml.match(/rollupObjectiveSatisfied="true"[^>]*objectiveMeasureWeight="1"/g)).toHaveLength(1);
    expect(xml).toContain('<imsss:controlMode choice="true" flow="true"/>');
  });

  it('dangling default: launched from the first organization, with a warning', () => {
    const manifest = checkScorm(danglingDefaultPackage());
    expect(manifest.launch).toBe('index.html');
    expect(manifest.warnings).toEqual([expect.stringContaining('"missing_org" does not exist')]);
  });

  it('external assets: the page names the external origin; the assets are a script, a stylesheet, a font', () => {
    const html = text(externalAssetsPackage('http://127.0.0.1:9999'), 'index.html');
    expect(html).toContain('src="http://127.0.0.1:9999/lib/jquery-like.js"');
    expect(html).toContain('href="http://127.0.0.1:9999/fonts/font.css"');
    expect(() => externalAssetsPackage('http://127.0.0.1:9999/cdn')).toThrow(/origin/);
    const assets = externalAssetFiles(findSystemFont());
    expect(assets.map((a) => a.path)).toEqual([
      '/lib/jquery-like.js',
      '/fonts/font.css',
      expect.stringMatching(/^\/fonts\/test\.(ttf|otf|woff2?)$/),
    ]);
    const font = assets[2]!;
    expect(assets[1]!.body.toString()).toContain(`url('${font.path.slice('/fonts/'.length)}')`);
    expect(font.body.length).toBeGreaterThan(1000);
  });

  it('html5: index.html and no manifest', async () => {
    const files = html5Package();
    const paths = files.map((f) => f.path);
    expect(paths).toContain('index.html');
    expect(paths).not.toContain('imsmanifest.xml');
    expect(text(files, 'index.html')).toMatch(/<h1>[^<]+<\/h1>/);
    expect(Buffer.isBuffer(await zipFiles(files))).toBe(true);
  });
});
