import { open, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModuleManifest, PackageSource } from '@coursecast/api';
import { ITEM_KINDS, PACKAGE_TYPES } from '@coursecast/semconv';
import type { MediaPaths } from '../catalog/media-paths.js';
import { AppError } from '../errors.js';
import { keepFile, publishDir } from '../store/durable-files.js';
import { newId, type CatalogStore, type Item } from '../store/index.js';
import { describePackage, ManifestError, type PackageManifest } from './package-manifest.js';
import type { PackageInstruments, Rejection } from './package-instruments.js';
import { installScormRuntime, SERVER_DIR } from './scorm/scorm-injector.js';
import { PackageError, unpackZip, type UnpackLimits, type UnpackProgress } from './zip/zip-unpacker.js';

/** A received zip as the publisher needs it (the upload stage hands it over; this stage never imports it). */
export interface PackageUpload {
  itemId: string;
  /** The item's private folder, where the zip is kept as `source.zip`. */
  dir: string;
  /** The received zip. */
  file: string;
  size: number;
  /** The title the uploader gave, if any: it wins over the manifest's. */
  title: string | undefined;
  /** The title taken from the file name: used when neither the uploader nor the manifest gives one. */
  filenameTitle: string;
}

export interface PackagePublisherDeps {
  store: CatalogStore;
  paths: MediaPaths;
  limits: UnpackLimits;
  instruments: PackageInstruments;
  /** The SCORM runtime script copied into SCORM packages. */
  scormRuntimeFile: string;
  /** Told how a long unpack is going, at most once a second. */
  progress?: (p: UnpackProgress) => void;
}

const PROGRESS_EVERY_MS = 1000;

/** Passes progress on at most once every PROGRESS_EVERY_MS (a package can hold thousands of small files). */
function throttled(
  report: ((p: UnpackProgress) => void) | undefined,
): ((p: UnpackProgress) => void) | undefined {
  if (!report) return undefined;
  let last = performance.now();
  return (p) => {
    const now = performance.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    report(p);
  };
}

/** The public module manifest, published with the package (what the launch page fetches first). */
export const MANIFEST_PATH = `${SERVER_DIR}/manifest.json`;

function rejectionOf(err: unknown): Rejection | null {
  if (err instanceof AppError && err.code === 'invalid_package') {
    const d = err.details ?? {};
    return {
      reason: d['reason'] as Rejection['reason'],
      entry: typeof d['entry'] === 'string' ? d['entry'] : null,
    };
  }
  return null;
}

function asRejection(err: unknown): unknown {
  if (err instanceof PackageError) {
    return new AppError('invalid_package', err.message, {
      reason: err.reason,
      ...(err.entry !== null ? { entry: err.entry } : {}),
    });
  }
  if (err instanceof ManifestError) {
    return new AppError('invalid_package', err.message, { reason: err.reason });
  }
  return err;
}

async function readText(dir: string, file: string, maxBytes: number): Promise<string> {
  const handle = await open(path.join(dir, ...file.split('/')), 'r');
  try {
    const buf = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buf, 0, maxBytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * An interactive package: unpacked (every entry checked before a byte is written) into a staging folder,
 * described (SCORM manifest, our manifest.json or an index.html), given the SCORM runtime when it is SCORM,
 * and published as a new immutable version. A refusal is a 422 `invalid_package` naming the reason and entry;
 * the caller removes the item's folders, so nothing is left behind.
 */
export async function ingestPackage(
  upload: PackageUpload,
  courseId: string,
  deps: PackagePublisherDeps,
): Promise<Item> {
  const { paths } = deps;
  const source = path.join(upload.dir, 'source.zip');
  await keepFile(upload.file, source);
  const version = newId('ver');
  const staging = paths.stagingDir(upload.itemId, version);
  const ids = { itemId: upload.itemId, courseId, zipBytes: upload.size };
  return deps.instruments.traceUnpack(
    ids,
    async (report) => {
      let manifest: PackageManifest;
      try {
        await mkdir(staging, { recursive: true });
        const unpacked = await unpackZip(source, staging, deps.limits, throttled(deps.progress));
        report.extracted(unpacked.entries.length, unpacked.totalBytes);
        manifest = await describePackage(unpacked.entries, (file, max) => readText(staging, file, max));
      } catch (err) {
        throw asRejection(err);
      }
      report.type(manifest.type);
      const assets = await finalAssets(staging, manifest, deps.scormRuntimeFile);
      const totalBytes = assets.reduce((sum, a) => sum + a.size, 0);
      const publicManifest: ModuleManifest = {
        itemId: upload.itemId,
        version,
        type: manifest.type,
        title: manifest.title,
        launch: manifest.launch,
        launchParameters: manifest.launchParameters,
        assetCount: assets.length,
        totalBytes,
        totalSizeKb: Math.round((totalBytes / 1024) * 10) / 10,
        assets,
      };
      await mkdir(path.join(staging, SERVER_DIR), { recursive: true, mode: 0o755 });
      await writeFile(path.join(staging, ...MANIFEST_PATH.split('/')), JSON.stringify(publicManifest));
      await publishDir(staging, paths.versionDir(upload.itemId, version));
      // What the item keeps as `sourceInfo` (the API's `source`); the full asset list is in the manifest file.
      const info: PackageSource = {
        package: {
          type: manifest.type,
          title: manifest.title,
          launch: manifest.launch,
          launchParameters: manifest.launchParameters,
          assetCount: assets.length,
          totalBytes,
          compressedBytes: upload.size,
          scorm: manifest.scorm,
        },
      };
      return deps.store.createReadyItem({
        id: upload.itemId,
        courseId,
        kind: ITEM_KINDS.interactive,
        title: upload.title ?? manifest.title ?? upload.filenameTitle,
        sourceFile: paths.relative(source),
        sourceBytes: upload.size,
        sourceInfo: info,
        durationSeconds: null,
        mediaVersion: version,
      });
    },
    rejectionOf,
  );
}

/** The assets as delivered: SCORM packages get the runtime, and the HTML files that load it grow a little. */
async function finalAssets(
  staging: string,
  manifest: PackageManifest,
  runtimeFile: string,
): Promise<PackageManifest['assets']> {
  if (manifest.type === PACKAGE_TYPES.html5) return manifest.assets;
  const changed = await installScormRuntime(
    staging,
    manifest.assets.map((a) => a.path),
    runtimeFile,
  );
  const assets = manifest.assets.map((a) => ({ ...a, size: changed.get(a.path) ?? a.size }));
  for (const [file, size] of changed) {
    if (!assets.some((a) => a.path === file)) {
      assets.push({ path: file, size, contentType: 'text/javascript; charset=utf-8' });
    }
  }
  return assets;
}
