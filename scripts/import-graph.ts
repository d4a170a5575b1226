// Reads the relative imports of the repository's TypeScript files, for the architecture test: which file
// imports which, resolved to repository paths, so rules about folders can be checked without a bundler.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import of one file: where it is and what it names (repository-relative, `.ts` resolved). */
export interface ImportEdge {
  from: string;
  to: string;
  line: number;
}

/** Every `.ts` file under `dir` (repository-relative, `/`-separated), skipping build output and dependencies. */
export function listTsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts')) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

/** The relative imports (static, dynamic and re-exports) of one file, resolved to repository paths. */
export function relativeImports(root: string, file: string): ImportEdge[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const edges: ImportEdge[] = [];
  for (const ref of info.importedFiles) {
    if (!ref.fileName.startsWith('.')) continue;
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.fileName));
    const to = joined.endsWith('.js') ? `${joined.slice(0, -3)}.ts` : joined;
    const line = text.slice(0, ref.pos).split('\n').length;
    edges.push({ from: file, to, line });
  }
  return edges;
}

/** The package specifiers (`@coursecast/...`, `zod`, ...) a file imports. */
export function packageImports(root: string, file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
  return info.importedFiles.map((r) => r.fileName).filter((name) => !name.startsWith('.'));
}
