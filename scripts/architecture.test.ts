// The layout rules of docs/architecture.md, checked: data flows one way between the server's stages, product
// code never reaches into test code, and the folder map in the doc names every folder that exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listTsFiles, packageImports, relativeImports } from './import-graph.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = 'apps/server/src';

/**
 * What each stage of the server may import, besides itself and the shared root files (config, errors,
 * validation). Downward only: upload → interactive/transcode → deliver → observe, with catalog, store, auth
 * and instrumentation beneath them all. Anything a stage needs from a sibling comes as a callback or a narrow
 * interface from the composition root (app.ts, main.ts).
 */
const ALLOWED: Record<string, readonly string[]> = {
  auth: [],
  store: [],
  instrumentation: ['store'],
  catalog: ['auth', 'store'],
  views: ['store'],
  dashboards: ['auth', 'store', 'views'],
  ingest: ['auth', 'store', 'instrumentation', 'views'],
  interactive: ['catalog', 'store', 'instrumentation'],
  transcoding: ['auth', 'catalog', 'store', 'instrumentation'],
  uploads: ['auth', 'catalog', 'store', 'interactive', 'transcoding'],
  jit: ['auth', 'catalog', 'store', 'instrumentation'],
  delivery: ['auth', 'catalog', 'store', 'instrumentation'],
  web: [],
  lti: ['auth', 'catalog', 'store', 'instrumentation'],
  learners: ['auth', 'catalog', 'store', 'lti'],
  captions: ['auth', 'catalog', 'store'],
  live: ['auth', 'catalog', 'store', 'instrumentation'],
  // The CLI and the composition root wire everything together.
  cli: ['*'],
};
/** Root files that compose the stages or are the package's entry points; every other root file is a leaf. */
const COMPOSITION_ROOT = new Set(['app.ts', 'content-app.ts', 'main.ts', 'cli.ts', 'index.ts', 'parts.ts']);
/** What the shared root files may import: the store, whose errors the error handler translates. */
const ROOT_LEAF_ALLOWED = new Set(['(root)', 'store']);

const isTest = (f: string): boolean => /\.test\.ts$/.test(f);
const isTestCode = (f: string): boolean =>
  isTest(f) || /(^|\/)test-support\//.test(f) || /[.-]fixtures?\.ts$/.test(f);

/** Where a server file sits: its stage folder, or `(root)` for the files directly in src/. */
function stageOf(file: string): string {
  const rest = file.slice(SERVER.length + 1);
  return rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : '(root)';
}

const productFiles = [
  ...listTsFiles(ROOT, 'apps/server/src'),
  ...listTsFiles(ROOT, 'apps/web/src'),
  ...readdirSync(`${ROOT}/packages`).flatMap((p) => listTsFiles(ROOT, `packages/${p}/src`)),
].filter((f) => !isTestCode(f));

describe('server stages', () => {
  const serverFiles = listTsFiles(ROOT, SERVER).filter((f) => !isTest(f));

  it('every stage folder has a rule', () => {
    const stages = new Set(serverFiles.map(stageOf).filter((s) => s !== '(root)'));
    expect([...stages].filter((s) => !(s in ALLOWED))).toEqual([]);
  });

  it('import only downward: no stage imports a sibling it sits beside or above', () => {
    const wrong: string[] = [];
    for (const file of serverFiles) {
      const from = stageOf(file);
      for (const edge of relativeImports(ROOT, file)) {
        if (!edge.to.startsWith(`${SERVER}/`)) continue;
        const to = stageOf(edge.to);
        if (to === from) continue;
        if (from === '(root)') {
          if (!COMPOSITION_ROOT.has(file.slice(SERVER.length + 1)) && !ROOT_LEAF_ALLOWED.has(to)) {
            wrong.push(`${file}:${edge.line} (a shared root file) imports ${edge.to}`);
          }
          continue;
        }
        if (to === '(root)') continue;
        const allowed = ALLOWED[from] ?? [];
        if (!allowed.includes('*') && !allowed.includes(to)) {
          wrong.push(`${file}:${edge.line} (${from}) imports ${edge.to} (${to})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the parts delivery shares (http/) import neither the edge, the origin nor the faults', () => {
    const wrong = listTsFiles(ROOT, `${SERVER}/delivery/http`)
      .flatMap((f) => relativeImports(ROOT, f))
      .filter((e) => /\/delivery\/(edge|origin|faults)\//.test(e.to))
      .map((e) => `${e.from}:${e.line} imports ${e.to}`);
    expect(wrong).toEqual([]);
  });
});

describe('product and test code', () => {
  it('no product file imports a test kit or fixture', () => {
    const wrong = productFiles
      .flatMap((f) => relativeImports(ROOT, f))
      .filter((e) => isTestCode(e.to))
      .map((e) => `${e.from}:${e.line} imports ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it('no product file casts through unknown', () => {
    const wrong = productFiles.filter((f) => readFileSync(`${ROOT}/${f}`, 'utf8').includes('as unknown as'));
    expect(wrong).toEqual([]);
  });

  it('e2e/ and bench/ reach the server through its package exports, not its source files', () => {
    const files = [...listTsFiles(ROOT, 'e2e'), ...listTsFiles(ROOT, 'bench')];
    const wrong = files
      .flatMap((f) => relativeImports(ROOT, f))
      .filter((e) => e.to.startsWith(`${SERVER}/`))
      .map((e) => `${e.from}:${e.line} imports ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it('public entry points name what they export (no `export *`)', () => {
    const entries = readdirSync(`${ROOT}/packages`)
      .map((p) => `packages/${p}/src/index.ts`)
      .concat(`${SERVER}/index.ts`, `${SERVER}/parts.ts`, 'packages/media/src/samples/index.ts')
      .filter((f) => existsSync(`${ROOT}/${f}`));
    const wrong = entries.filter((f) => /^export \*/m.test(readFileSync(`${ROOT}/${f}`, 'utf8')));
    expect(wrong).toEqual([]);
  });

  it('browser code never imports the server', () => {
    const browser = [
      ...listTsFiles(ROOT, 'apps/web/src'),
      ...listTsFiles(ROOT, 'packages/player-sdk/src'),
      ...listTsFiles(ROOT, 'packages/semconv/src'),
      ...listTsFiles(ROOT, 'packages/api/src'),
    ];
    const wrong = browser.filter((f) =>
      packageImports(ROOT, f).some((p) => p === '@coursecast/server' || p.startsWith('node:')),
    );
    expect(wrong).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  const doc = readFileSync(`${ROOT}/docs/architecture.md`, 'utf8');
  const foldersUnder = (dir: string): string[] => {
    const out: string[] = [];
    const walk = (rel: string): void => {
      for (const e of readdirSync(`${ROOT}/${rel}`, { withFileTypes: true })) {
        if (!e.isDirectory() || e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.'))
          continue;
        out.push(`${rel}/${e.name}/`);
        walk(`${rel}/${e.name}`);
      }
    };
    walk(dir);
    return out;
  };

  it('maps every folder of the server, the web app and the packages', () => {
    // Server folders are named below apps/server/src (`delivery/edge/`), the others from the repository root.
    const folders = [
      ...foldersUnder(SERVER).map((f) => f.slice(SERVER.length + 1)),
      ...foldersUnder('apps/web/src'),
      ...readdirSync(`${ROOT}/packages`).flatMap((p) => [
        `packages/${p}/`,
        ...foldersUnder(`packages/${p}/src`),
      ]),
      ...['e2e/', 'bench/', 'scripts/', 'docs/', 'apps/server/test-support/'],
    ];
    expect(folders.filter((f) => !doc.includes(`\`${f}\``))).toEqual([]);
  });

  it('names no folder that is gone', () => {
    const named = [...doc.matchAll(/`((?:[a-z0-9-]+\/)+)`/g)].map((m) => m[1]!);
    const roots = [SERVER, '.'];
    const gone = named.filter((n) => !roots.some((r) => existsSync(`${ROOT}/${r}/${n}`)));
    expect(gone).toEqual([]);
  });
});
