import { PACKAGE_REJECTIONS, type PackageRejection } from '@coursecast/semconv';
import { showName } from './zip/zip-entry-name.js';

/*
 * Why a package is refused. The reasons live in semconv (they are a span attribute and a metric label);
 * they are re-exported here so the unpacker's callers and the manifest reader import one module.
 */

export { PACKAGE_REJECTIONS, type PackageRejection };

/** The refusals unpackZip can give (the other PACKAGE_REJECTIONS belong to the manifest reader). */
export const ZIP_REJECTIONS = [
  PACKAGE_REJECTIONS.corruptZip,
  PACKAGE_REJECTIONS.encrypted,
  PACKAGE_REJECTIONS.zipSlip,
  PACKAGE_REJECTIONS.absolutePath,
  PACKAGE_REJECTIONS.invalidName,
  PACKAGE_REJECTIONS.reservedName,
  PACKAGE_REJECTIONS.symlink,
  PACKAGE_REJECTIONS.specialFile,
  PACKAGE_REJECTIONS.duplicateName,
  PACKAGE_REJECTIONS.tooManyEntries,
  PACKAGE_REJECTIONS.tooLarge,
  PACKAGE_REJECTIONS.compressionRatio,
  PACKAGE_REJECTIONS.unsupportedCompression,
] as const satisfies readonly PackageRejection[];
export type ZipRejection = (typeof ZIP_REJECTIONS)[number];

/**
 * A refusal of the package. `entry` is the offending entry's name fit to show (control characters
 * escaped, at most 256 characters), or null when the package as a whole is at fault.
 */
export class PackageError extends Error {
  readonly entry: string | null;
  constructor(
    readonly reason: PackageRejection,
    entry: string | null,
    detail: string,
  ) {
    const shown = entry === null ? null : showName(entry);
    super(
      `Package refused (${reason}): ${detail}${shown === null ? '' : ` [entry ${JSON.stringify(shown)}]`}`,
    );
    this.name = 'PackageError';
    this.entry = shown;
  }
}

/**
 * What a failure to read a zip means. A file-system error (it has a `syscall`) is the server's and is
 * thrown as it is; anything else yauzl or zlib raise is the package's: a bad signature, a truncated file,
 * a size that does not match, a broken deflate stream.
 */
export function readFailure(err: unknown, entry: string | null): Error {
  if (!(err instanceof Error)) return new Error(`unpackZip: ${String(err)}`, { cause: err });
  if (err instanceof PackageError || 'syscall' in err) return err;
  if (/encrypt/i.test(err.message)) {
    return new PackageError(
      PACKAGE_REJECTIONS.encrypted,
      entry,
      `unreadable encrypted entry: ${err.message}`,
    );
  }
  if (/compression method/i.test(err.message)) {
    return new PackageError(PACKAGE_REJECTIONS.unsupportedCompression, entry, err.message);
  }
  return new PackageError(PACKAGE_REJECTIONS.corruptZip, entry, `the zip is unreadable: ${err.message}`);
}
