import type { ScormActivity } from '@coursecast/api';
import mime from 'mime-types';
import { cleanTitle } from '../catalog/title-text.js';
import { z } from 'zod';
import {
  MANIFEST_REJECTIONS,
  MAX_MANIFEST_BYTES,
  ManifestError,
  normalizePackagePath,
  PACKAGE_TYPES,
  parseScormManifest,
  type PackageType,
} from './scorm/scorm-manifest.js';

// Defined once beside the SCORM parser (which throws them too); re-exported for callers of describePackage.
export { MANIFEST_REJECTIONS, ManifestError, type ManifestRejection } from './scorm/scorm-manifest.js';

/** One unpacked file: package-relative, `/`-separated path and its size in bytes. */
export interface PackageFile {
  path: string;
  size: number;
}

export interface PackageAsset {
  path: string;
  size: number;
  /** From the file name (`mime-types`); `application/octet-stream` when unknown. */
  contentType: string;
}

export interface PackageManifest {
  type: PackageType;
  title: string | null;
  /** Package-relative path of the launch file, e.g. `course/index.html`. */
  launch: string;
  /** Query and/or fragment to append to the launch URL, starting with `?` or `#`; null when none. */
  launchParameters: string | null;
  /** Prefix applied when the zip wraps everything in one folder ('' when not), e.g. `course/`. */
  root: string;
  assets: PackageAsset[];
  assetCount: number;
  totalBytes: number;
  scorm: {
    resources: number;
    scos: number;
    warnings: string[];
    launchData: Record<string, string>;
    organization: ScormActivity;
  } | null;
}

/** Reads at most `maxBytes` of a package file as UTF-8 text. */
export type ReadPackageText = (path: string, maxBytes: number) => Promise<string>;

// Looked for in this order: a SCORM manifest says more than our own, which says more than a bare page.
const ENTRY_FILES = ['imsmanifest.xml', 'manifest.json', 'index.html', 'index.htm'] as const;
type EntryFile = (typeof ENTRY_FILES)[number];

/** How much of an index.html is read for its `<title>`: it belongs in `<head>`, near the top. */
const TITLE_SCAN_BYTES = 64 * 1024;
const MAX_LISTED_MISSING = 5;

const JsonManifest = z.strictObject({
  title: z.string().max(200).optional(),
  launch: z.string().min(1).max(1024).default('index.html'),
  assets: z.array(z.string().min(1).max(1024)).max(10_000).optional(),
});

const HTML_ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&apos;': "'",
};

/** The text of an HTML page's `<title>`: the five basic entities decoded, whitespace collapsed; null if absent or empty. */
export function htmlTitle(html: string): string | null {
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  const match = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(withoutComments);
  if (!match?.[1]) return null;
  // One pass, so `&amp;lt;` becomes `&lt;` and not `<`.
  const text = match[1].replace(
    /&(?:amp|lt|gt|quot|apos|#39);/gi,
    (e) => HTML_ENTITIES[e.toLowerCase()] ?? e,
  );
  return text.replace(/\s+/g, ' ').trim() || null;
}

// Files archivers add beside the content (macOS resource forks, Finder and Explorer caches): ignored when
// deciding whether a zip wraps one folder, since "Compress folder" on a Mac always adds __MACOSX/.
function isArchiverClutter(path: string): boolean {
  return path.startsWith('__MACOSX/') || /(^|\/)(\.DS_Store|Thumbs\.db|desktop\.ini)$/i.test(path);
}

/** Where the package's content starts and which entry file it has there. */
function findRoot(paths: ReadonlySet<string>): { root: string; entry: EntryFile } {
  const atTop = ENTRY_FILES.find((e) => paths.has(e));
  if (atTop) return { root: '', entry: atTop };
  const folders = new Set<string>();
  let looseFiles = false;
  for (const path of paths) {
    if (isArchiverClutter(path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) looseFiles = true;
    else folders.add(path.slice(0, slash + 1));
  }
  const [folder] = folders;
  if (!looseFiles && folders.size === 1 && folder) {
    const inFolder = ENTRY_FILES.find((e) => paths.has(folder + e));
    if (inFolder) return { root: folder, entry: inFolder };
  }
  throw new ManifestError(
    MANIFEST_REJECTIONS.noLaunchFile,
    `the package has no ${ENTRY_FILES.join(', ')} at its top level or in a single top-level folder`,
  );
}

/** The listed path, trying it as written and then percent-decoded (zip names are never encoded). */
function findFile(paths: ReadonlySet<string>, wanted: string): string | null {
  if (paths.has(wanted)) return wanted;
  try {
    const decoded = decodeURIComponent(wanted);
    return paths.has(decoded) ? decoded : null;
  } catch {
    return null;
  }
}

function launchMissing(path: string, from: string): ManifestError {
  return new ManifestError(
    MANIFEST_REJECTIONS.launchMissing,
    `the launch file ${JSON.stringify(path)} named by ${from} is not in the package`,
    path,
  );
}

function invalid(message: string, detail?: string): ManifestError {
  return new ManifestError(MANIFEST_REJECTIONS.invalidManifest, message, detail);
}

function checkManifestSize(files: ReadonlyMap<string, number>, path: string): void {
  if ((files.get(path) ?? 0) > MAX_MANIFEST_BYTES) {
    throw new ManifestError(
      MANIFEST_REJECTIONS.manifestTooLarge,
      `${path} is larger than ${MAX_MANIFEST_BYTES} bytes`,
      path,
    );
  }
}

function stripBom(text: string): string {
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

type Described = Pick<PackageManifest, 'type' | 'title' | 'launch' | 'launchParameters' | 'scorm'>;

/** The tree with each leaf's path as stored (the zip's wrapping folder in front, the file's own spelling). */
function withStoredPaths(activity: ScormActivity, stored: (path: string) => string): ScormActivity {
  return {
    ...activity,
    launch: activity.launch && { ...activity.launch, path: stored(activity.launch.path) },
    children: activity.children.map((c) => withStoredPaths(c, stored)),
  };
}

async function describeScorm(
  sizes: ReadonlyMap<string, number>,
  root: string,
  readText: ReadPackageText,
): Promise<Described> {
  const manifestPath = `${root}imsmanifest.xml`;
  checkManifestSize(sizes, manifestPath);
  const manifest = parseScormManifest(await readText(manifestPath, MAX_MANIFEST_BYTES));
  const paths = new Set(sizes.keys());
  const wanted = root + manifest.launch;
  const launch = findFile(paths, wanted);
  if (!launch) throw launchMissing(wanted, 'imsmanifest.xml');
  const warnings = [...manifest.warnings];
  const organization = withStoredPaths(manifest.organization, (path) => {
    const found = findFile(paths, root + path);
    // The first SCO is required (above); a later one missing fails when reached, as in other LMSs: said here.
    if (!found) warnings.push(`the launch file ${JSON.stringify(root + path)} is not in the package`);
    return found ?? root + path;
  });
  return {
    type: manifest.type,
    title: manifest.title,
    launch,
    launchParameters: manifest.launchParameters,
    scorm: {
      resources: manifest.resources.length,
      scos: manifest.resources.filter((r) => r.scormType === 'sco').length,
      warnings,
      launchData: manifest.launchData,
      organization,
    },
  };
}

async function describeJsonManifest(
  sizes: ReadonlyMap<string, number>,
  root: string,
  readText: ReadPackageText,
): Promise<Described> {
  const manifestPath = `${root}manifest.json`;
  checkManifestSize(sizes, manifestPath);
  let json: unknown;
  try {
    json = JSON.parse(stripBom(await readText(manifestPath, MAX_MANIFEST_BYTES)));
  } catch (err) {
    if (err instanceof SyntaxError)
      throw invalid(`manifest.json is not valid JSON: ${err.message}`, err.message);
    throw err;
  }
  const parsed = JsonManifest.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw invalid(`manifest.json is invalid: ${issues}`, issues);
  }
  const { title, launch: launchPath, assets = [] } = parsed.data;
  const paths = new Set(sizes.keys());
  const wanted = root + normalizePackagePath(launchPath, 'manifest.json launch');
  const launch = findFile(paths, wanted);
  if (!launch) throw launchMissing(wanted, 'manifest.json');
  const missing = assets
    .map((a) => root + normalizePackagePath(a, 'manifest.json asset path'))
    .filter((a) => !findFile(paths, a));
  if (missing.length > 0) {
    const named = missing.slice(0, MAX_LISTED_MISSING).join(', ');
    const more =
      missing.length > MAX_LISTED_MISSING ? ` and ${missing.length - MAX_LISTED_MISSING} more` : '';
    throw invalid(
      `manifest.json lists ${missing.length} asset(s) missing from the package: ${named}${more}`,
      missing.slice(0, MAX_LISTED_MISSING).join('\n'),
    );
  }
  return {
    type: PACKAGE_TYPES.html5,
    title: title?.trim() || null,
    launch,
    launchParameters: null,
    scorm: null,
  };
}

async function describeIndexPage(launch: string, readText: ReadPackageText): Promise<Described> {
  const html = await readText(launch, TITLE_SCAN_BYTES);
  return { type: PACKAGE_TYPES.html5, title: htmlTitle(html), launch, launchParameters: null, scorm: null };
}

/** Reads the package's own manifest (SCORM imsmanifest.xml, our manifest.json, or an index.html) and checks the launch file exists among `files`. */
export async function describePackage(
  files: readonly PackageFile[],
  readText: ReadPackageText,
): Promise<PackageManifest> {
  // Directory entries some zips carry are not files to serve.
  const listed = files.filter((f) => !f.path.endsWith('/'));
  const sizes = new Map(listed.map((f) => [f.path, f.size]));
  const { root, entry } = findRoot(new Set(sizes.keys()));
  let described: Described;
  if (entry === 'imsmanifest.xml') described = await describeScorm(sizes, root, readText);
  else if (entry === 'manifest.json') described = await describeJsonManifest(sizes, root, readText);
  else described = await describeIndexPage(root + entry, readText);
  const assets = listed.map((f): PackageAsset => ({
    path: f.path,
    size: f.size,
    contentType: mime.lookup(f.path) || 'application/octet-stream',
  }));
  return {
    ...described,
    // Titles come from the package's own files: made one line, without control characters.
    title: described.title === null ? null : cleanTitle(described.title) || null,
    root,
    assets,
    assetCount: assets.length,
    totalBytes: assets.reduce((sum, a) => sum + a.size, 0),
  };
}
