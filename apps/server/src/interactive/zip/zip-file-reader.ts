// yauzl over a zip on disk, with the options the unpacker relies on and reads of a useful size.
import { read } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { readFailure } from '../package-error.js';

/** Bytes per read of the zip. */
const READ_CHUNK = 1024 * 1024;

const OPEN_OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  // Names are decoded and judged here, so a `..` is a zip_slip and not yauzl's generic error.
  decodeStrings: false,
  validateEntrySizes: true,
  strictFileNames: false,
};

/**
 * yauzl's reader for a file on disk, with large reads: its own are 16 KiB, and a stored (not deflated) entry
 * then costs one read and one write per 16 KiB. bench/unpack measured 1.9x `unzip`'s time with them and
 * about 1x with 1 MiB. Streams read the shared descriptor at their own positions, so several entries can
 * stream at once; destroying one never closes the descriptor (an fs.ReadStream's destroy would).
 */
class FileRangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly handle: FileHandle) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const fd = this.handle.fd;
    let position = start;
    return new Readable({
      highWaterMark: READ_CHUNK,
      read() {
        const length = Math.min(READ_CHUNK, end - position);
        if (length <= 0) {
          this.push(null);
          return;
        }
        const buffer = Buffer.allocUnsafe(length);
        read(fd, buffer, 0, length, position, (err, bytesRead) => {
          if (err) return void this.destroy(err);
          if (bytesRead === 0) return void this.destroy(new Error('unexpected end of the zip file'));
          position += bytesRead;
          this.push(bytesRead < length ? buffer.subarray(0, bytesRead) : buffer);
        });
      },
    });
  }

  override close(callback: (err: Error | null) => void): void {
    this.handle.close().then(
      () => callback(null),
      (err: Error) => callback(err),
    );
  }
}

/** Opens a zip on disk for yauzl, lazily (entries one at a time), with its names left undecoded. */
export async function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  const handle = await open(zipPath, 'r');
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (err) {
    await handle.close();
    throw err;
  }
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(new FileRangeReader(handle), size, OPEN_OPTIONS, (err, zipfile) => {
      if (err) {
        void handle.close().catch(() => {});
        reject(readFailure(err, null));
      } else resolve(zipfile);
    });
  });
}
