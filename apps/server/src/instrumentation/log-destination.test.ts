import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountTmpfs, type Tmpfs } from '../../test-support/tmpfs.js';
import { createLogDestination, type FdWrite } from './log-destination.js';

const line = (i: number): string =>
  `${JSON.stringify({ level: 30, msg: 'request completed', i, pad: 'x'.repeat(80) })}\n`;

/** The file's whole JSON lines, and the fragments of lines cut by the full disk. */
function readLog(file: string): { whole: number[]; cut: string[] } {
  const whole: number[] = [];
  const cut: string[] = [];
  for (const l of readFileSync(file, 'utf8').split('\n')) {
    if (l === '') continue;
    try {
      whole.push((JSON.parse(l) as { i: number }).i);
    } catch {
      cut.push(l);
    }
  }
  return { whole, cut };
}

describe('the log destination on a full disk', () => {
  let volume: Tmpfs;
  beforeAll(() => {
    volume = mountTmpfs(256 * 1024);
  });
  afterAll(() => volume?.unmount());

  it('drops and counts the lines it cannot write, never throws, and writes again once there is space', async () => {
    const file = path.join(volume.dir, 'server.log');
    const filler = path.join(volume.dir, 'filler');
    const fd = openSync(file, 'a');
    try {
      const log = createLogDestination({ fd, maxBufferedBytes: 1024 * 1024 });
      for (let i = 0; i < 100; i++) expect(log.write(line(i))).toBe(true);
      await log.drain(2000);
      // Fill what is left: the volume is full from here on.
      expect(() => writeFileSync(filler, Buffer.alloc(1024 * 1024))).toThrow(/ENOSPC/);
      for (let i = 100; i < 1100; i++) log.write(line(i));
      await log.drain(2000);
      expect(log.buffered()).toBe(0);
      const lost = log.dropped().write_error;
      expect(lost).toBeGreaterThan(0);
      expect(log.dropped().buffer_full).toBe(0);

      rmSync(filler);
      for (let i = 1100; i < 1110; i++) log.write(line(i));
      await log.drain(2000);
      const { whole, cut } = readLog(file);
      // Every line is in the file, whole, or counted as dropped; the ones after the space came back are in.
      expect(whole.length + lost).toBe(1110);
      expect(whole.slice(-10)).toEqual([1100, 1101, 1102, 1103, 1104, 1105, 1106, 1107, 1108, 1109]);
      // The write that filled the last free bytes cut one line; it is counted, and the next line starts afresh.
      expect(cut.length).toBeLessThanOrEqual(1);
      expect(log.dropped().write_error).toBe(lost);
    } finally {
      closeSync(fd);
    }
  });
});

describe('the log destination', () => {
  it('never blocks or grows past its bound when the descriptor stops answering (a stuck reader)', async () => {
    const stuck: FdWrite = () => {};
    const log = createLogDestination({ fd: 1, maxBufferedBytes: 10 * line(0).length, write: stuck });
    const t0 = performance.now();
    const accepted = Array.from({ length: 1000 }, (_, i) => log.write(line(i))).filter(Boolean).length;
    expect(performance.now() - t0).toBeLessThan(200);
    expect(accepted).toBe(10);
    expect(log.dropped()).toEqual({ buffer_full: 990, write_error: 0 });
    expect(log.buffered()).toBeLessThanOrEqual(10 * line(0).length);
    // Shutdown does not wait forever for it either.
    await log.drain(20);
  });

  it('retries a write refused with EAGAIN, finishes a partial write, and starts a fresh line after a cut one', async () => {
    const out: string[] = [];
    const answers: (string | number)[] = ['EAGAIN', 10, 'ENOSPC', 'all', 'all'];
    const write: FdWrite = (_fd, buf, offset, length, _pos, cb) => {
      const a = answers.shift() ?? 'all';
      setImmediate(() => {
        if (typeof a === 'string' && a !== 'all') return cb(Object.assign(new Error(a), { code: a }), 0);
        const n = a === 'all' ? length : a;
        out.push(buf.subarray(offset, offset + n).toString());
        cb(null, n);
      });
    };
    const log = createLogDestination({ fd: 1, maxBufferedBytes: 1 << 20, write, retryMs: 1 });
    log.write(line(0));
    log.write(line(1));
    await log.drain(1000);
    // EAGAIN: retried. Then 10 bytes went out and the rest hit ENOSPC: both lines are lost, one of them cut.
    expect(log.dropped().write_error).toBe(2);
    log.write(line(2));
    await log.drain(1000);
    const text = out.join('');
    expect(text.split('\n').slice(1)).toEqual([line(2).trimEnd(), '']);
    expect(log.buffered()).toBe(0);
  });
});
