import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createGroupCommit } from './group-commit.js';

describe('group commit', () => {
  it('commits the submissions of one interval together and acks each only after its commit', async () => {
    const commits: number[][] = [];
    const gc = createGroupCommit<number>({
      commit: (rows) => void commits.push([...rows]),
      intervalMs: 20,
      maxBatch: 1000,
      maxPending: 10_000,
    });
    const acked: number[] = [];
    const a = gc.submit([1, 2]).then(() => acked.push(commits.length));
    const b = gc.submit([3]).then(() => acked.push(commits.length));
    expect(gc.pending()).toBe(3);
    expect(commits).toHaveLength(0);
    await Promise.all([a, b]);
    expect(commits).toEqual([[1, 2, 3]]);
    // Both acks came after (not before) the one commit.
    expect(acked).toEqual([1, 1]);
    expect(gc.pending()).toBe(0);
  });

  it('commits at once when a batch is full', async () => {
    const commits: number[][] = [];
    const gc = createGroupCommit<number>({
      commit: (rows) => void commits.push([...rows]),
      intervalMs: 60_000,
      maxBatch: 3,
      maxPending: 10,
    });
    await Promise.all([gc.submit([1, 2]), gc.submit([3])]);
    expect(commits).toEqual([[1, 2, 3]]);
  });

  it('sheds with 503 and Retry-After beyond the pending limit, keeping what it accepted', async () => {
    const commits: number[][] = [];
    const gc = createGroupCommit<number>({
      commit: (rows) => void commits.push([...rows]),
      intervalMs: 20,
      maxBatch: 100,
      maxPending: 4,
    });
    const ok = gc.submit([1, 2, 3]);
    const shed = await gc.submit([4, 5]).catch((e: unknown) => e);
    expect(shed).toBeInstanceOf(AppError);
    expect((shed as AppError).status).toBe(503);
    expect((shed as AppError).code).toBe('ingest_overloaded');
    expect((shed as AppError).details?.['retryAfterSeconds']).toBe(1);
    await ok;
    expect(commits).toEqual([[1, 2, 3]]);
  });

  it('fails every submission of a batch whose commit failed, and recovers for the next one', async () => {
    let fail = true;
    const gc = createGroupCommit<number>({
      commit: () => {
        if (fail) throw new Error('disk full');
      },
      intervalMs: 5,
      maxBatch: 100,
      maxPending: 100,
    });
    const results = await Promise.allSettled([gc.submit([1]), gc.submit([2])]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as AppError;
      expect(err.code).toBe('store_unavailable');
      expect(err.message).toContain('disk full');
    }
    fail = false;
    await expect(gc.submit([3])).resolves.toBeUndefined();
  });

  it('commits what is queued on close, then refuses', async () => {
    const commits: number[][] = [];
    const gc = createGroupCommit<number>({
      commit: (rows) => void commits.push([...rows]),
      intervalMs: 60_000,
      maxBatch: 100,
      maxPending: 100,
    });
    const queued = gc.submit([7]);
    await gc.close();
    await queued;
    expect(commits).toEqual([[7]]);
    await expect(gc.submit([8])).rejects.toMatchObject({ code: 'shutting_down' });
  });

  it('gathers what arrives while a commit is in flight into the next batch, never more commits than lanes', async () => {
    const commits: number[][] = [];
    let running = 0;
    let most = 0;
    const gc = createGroupCommit<number>({
      commit: async (rows) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 30));
        commits.push([...rows]);
        running--;
      },
      intervalMs: 1,
      maxBatch: 1000,
      maxPending: 1000,
      maxInFlight: 1,
    });
    const first = gc.submit([1]);
    await new Promise((r) => setTimeout(r, 10));
    // The first commit is running: these three wait for it, then go together.
    const later = [gc.submit([2]), gc.submit([3]), gc.submit([4])];
    expect(gc.pending()).toBe(4);
    await Promise.all([first, ...later]);
    expect(commits).toEqual([[1], [2, 3, 4]]);
    expect(most).toBe(1);
  });

  it('commits at once from the eager size when a lane is free, instead of waiting the interval', async () => {
    const commits: number[][] = [];
    const gc = createGroupCommit<number>({
      commit: (rows) => void commits.push([...rows]),
      intervalMs: 60_000,
      maxBatch: 1000,
      eagerBatch: 2,
      maxPending: 1000,
    });
    const t0 = performance.now();
    await gc.submit([1, 2]);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(commits).toEqual([[1, 2]]);
  });
});
