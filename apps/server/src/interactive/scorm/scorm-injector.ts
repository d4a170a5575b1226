import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors.js';

/** The package folder the server writes into (the unpacker refuses zips that bring their own). */
export const SERVER_DIR = '__coursecast';
/** The SCORM runtime's path inside a published package. */
export const RUNTIME_PATH = `${SERVER_DIR}/scorm-runtime.js`;

const HTML_FILE = /\.html?$/i;
// Searched in a latin1 view of the bytes: every marker is ASCII, so any ASCII-compatible encoding of the
// document (UTF-8, Windows-1252...) keeps its other bytes exactly as they were.
const HEAD_OPEN = /<head(?:\s[^>]*)?>/i;
const HTML_OPEN = /<html(?:\s[^>]*)?>/i;
const DOCTYPE = /^\s*<!doctype[^>]*>/i;

/**
 * Puts `<script src>` first in the document, before any script of the package's: SCORM content looks for
 * `window.API` as soon as it runs. UTF-16 documents are decoded and re-encoded with their byte order mark.
 */
export function injectScriptTag(html: Buffer, src: string): Buffer {
  const tag = `<script src="${src.replace(/"/g, '%22')}"></script>`;
  const bomLE = html[0] === 0xff && html[1] === 0xfe;
  const bomBE = html[0] === 0xfe && html[1] === 0xff;
  if (bomLE || bomBE) {
    const body = bomBE ? swapBytes(html.subarray(2)) : html.subarray(2);
    const out = Buffer.from(insert(body.toString('utf16le'), tag), 'utf16le');
    return Buffer.concat([html.subarray(0, 2), bomBE ? swapBytes(out) : out]);
  }
  return Buffer.from(insert(html.toString('latin1'), tag), 'latin1');
}

function insert(text: string, tag: string): string {
  for (const marker of [HEAD_OPEN, HTML_OPEN, DOCTYPE]) {
    const m = marker.exec(text);
    if (m) return text.slice(0, m.index + m[0].length) + tag + text.slice(m.index + m[0].length);
  }
  return tag + text;
}

function swapBytes(buf: Buffer): Buffer {
  const out = Buffer.from(buf.subarray(0, buf.length - (buf.length % 2)));
  return out.swap16();
}

/**
 * Copies the SCORM runtime into an unpacked package and loads it from every HTML file (with a path relative
 * to the file, so the package works under any URL prefix and nested frames find an API of their own).
 * Returns the new size of every file it changed, the runtime included.
 */
export async function installScormRuntime(
  dir: string,
  files: readonly string[],
  runtimeFile: string,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  await mkdir(path.join(dir, SERVER_DIR), { recursive: true, mode: 0o755 });
  const runtimeTarget = path.join(dir, ...RUNTIME_PATH.split('/'));
  await copyFile(runtimeFile, runtimeTarget).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    throw new AppError(
      'web_not_built',
      `The SCORM runtime is not built (${runtimeFile}): run \`npm run build\``,
    );
  });
  sizes.set(RUNTIME_PATH, (await stat(runtimeTarget)).size);
  for (const file of files) {
    if (!HTML_FILE.test(file)) continue;
    const target = path.join(dir, ...file.split('/'));
    const src = path.posix.relative(path.posix.dirname(file), RUNTIME_PATH);
    const out = injectScriptTag(await readFile(target), src);
    await writeFile(target, out);
    sizes.set(file, out.length);
  }
  return sizes;
}
