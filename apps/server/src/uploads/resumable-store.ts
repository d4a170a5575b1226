import { createWriteStream } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileConfigstore, FileStore } from '@tus/file-store';
import { ERRORS as TUS_ERRORS, Upload, type KvStore } from '@tus/server';
import { syncFileAndDir, syncPath } from '../store/durable-files.js';

// How much may arrive between two background syncs of a chunk being written.
const SYNC_EVERY_BYTES = 2 * 1024 * 1024;

/** One unfinished resumable upload, as the start-up sweep and the free-space reservation see it. */
export interface OpenUpload {
  id: string;
  size: number;
  offset: number;
  createdAt: number;
}

/**
 * The upload's description (`<id>.json`) written durably: a created upload survives a power loss as soon as the
 * client has its URL.
 */
class DurableConfigstore implements KvStore<Upload> {
  private readonly files: FileConfigstore;
  constructor(private readonly directory: string) {
    this.files = new FileConfigstore(directory);
  }
  get(key: string): Promise<Upload | undefined> {
    return this.files.get(key);
  }
  async set(key: string, value: Upload): Promise<void> {
    await this.files.set(key, value);
    await syncFileAndDir(path.join(this.directory, `${key}.json`));
  }
  async delete(key: string): Promise<void> {
    await this.files.delete(key);
    await syncPath(this.directory);
  }
  list(): Promise<string[]> {
    return this.files.list();
  }
}

/**
 * tus's file store, with every offset it acknowledges on the disk: a chunk is fsynced before its PATCH is
 * answered, and after a cut one too (the offset a later HEAD reports is what the disk holds).
 */
export class DurableFileStore extends FileStore {
  constructor(
    readonly dir: string,
    expiryMs: number,
  ) {
    super({
      directory: dir,
      configstore: new DurableConfigstore(dir),
      expirationPeriodInMilliseconds: expiryMs,
    });
  }

  /** Where an upload's bytes are. */
  filePath(id: string): string {
    return path.join(this.dir, id);
  }

  override async create(upload: Upload): Promise<Upload> {
    const created = await super.create(upload);
    await syncFileAndDir(this.filePath(upload.id));
    return created;
  }

  /**
   * Appends a chunk at `offset` and syncs it before answering. While bytes arrive, a sync starts every few MiB
   * without waiting for it, so the disk writes back during the transfer and the final sync finds little left:
   * acknowledging only durable offsets then costs little more than the kernel's own write-back.
   */
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const file = this.filePath(id);
    // A sync flushes the file, whichever descriptor asks: this one syncs while the stream below writes.
    const syncer = await open(file, 'r');
    let written = 0;
    let unsynced = 0;
    const pending: { sync: Promise<void> | null } = { sync: null };
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        unsynced += chunk.length;
        if (unsynced >= SYNC_EVERY_BYTES && !pending.sync) {
          unsynced = 0;
          pending.sync = syncer
            .datasync()
            .catch(() => undefined)
            .finally(() => (pending.sync = null));
        }
        done(null, chunk);
      },
    });
    let failed = false;
    try {
      await pipeline(
        readable,
        counter,
        createWriteStream(file, { flags: 'r+', start: offset, highWaterMark: 1024 * 1024 }),
      );
    } catch {
      // What arrived before the cut stays: a HEAD reports it once synced below, and the client resumes there.
      failed = true;
    } finally {
      await pending.sync;
      await syncer.sync().catch(() => undefined);
      await syncer.close();
    }
    // tus answers the errors it defines (plain objects) by identity, as its own file store throws them.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (failed) throw TUS_ERRORS.FILE_WRITE_ERROR;
    return offset + written;
  }

  // Uploads completed by a request still being answered: tus reads them once more after its completion hook (a
  // creation-with-upload asks whether to send Upload-Expires), when their bytes have already moved.
  private readonly completed = new Map<string, Upload>();

  override async getUpload(id: string): Promise<Upload> {
    return this.completed.get(id) ?? super.getUpload(id);
  }

  /** Marks an upload complete (its bytes moved to its item) until `forget`. */
  markCompleted(upload: Upload): void {
    this.completed.set(upload.id, new Upload({ ...upload, offset: upload.size ?? upload.offset }));
  }

  /** Whether an upload's last byte is in and its request is still being answered. */
  isCompleted(id: string): boolean {
    return this.completed.has(id);
  }

  /** Ends what markCompleted began: the upload is unknown from now on. */
  forget(id: string): void {
    this.completed.delete(id);
  }

  /** Removes an upload's bytes and description, whichever of them still exist. */
  async discard(id: string): Promise<void> {
    await rm(this.filePath(id), { force: true });
    await rm(path.join(this.dir, `${id}.json`), { force: true });
    await syncPath(this.dir).catch(() => undefined);
  }

  /** The unfinished uploads, oldest first (a bounded directory: the number of open uploads is capped). */
  async openUploads(): Promise<OpenUpload[]> {
    const ids = await this.configstore.list?.().catch(() => []);
    const open: OpenUpload[] = [];
    for (const id of ids ?? []) {
      const info = await this.configstore.get(id);
      const bytes = await stat(this.filePath(id)).catch(() => null);
      if (!info || !bytes || info.size === undefined) continue;
      open.push({
        id,
        size: info.size,
        offset: bytes.size,
        createdAt: Date.parse(info.creation_date ?? '') || 0,
      });
    }
    return open.sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * Removes what no upload owns: a description whose bytes are gone, bytes whose description is gone, and
   * any other name in the folder. Returns the names removed.
   */
  async sweepStrays(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => []);
    const present = new Set(names);
    const strays = names.filter((name) =>
      name.endsWith('.json') ? !present.has(name.slice(0, -5)) : !present.has(`${name}.json`),
    );
    for (const name of strays) await rm(path.join(this.dir, name), { recursive: true, force: true });
    if (strays.length > 0) await syncPath(this.dir).catch(() => undefined);
    return strays;
  }
}
