import { describe, expect, it } from 'vitest';
import { createSerialQueue } from './serial-queue.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('createSerialQueue', () => {
  it('runs tasks one at a time, in submission order', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running += 1;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((n) => queue.run(task(n))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('keeps going after a task rejects or throws synchronously', async () => {
    const queue = createSerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('async boom')));
    const thrown = queue.run(() => {
      throw new Error('sync boom');
    });
    const ok = queue.run(() => Promise.resolve(42));
    await expect(failed).rejects.toThrow('async boom');
    await expect(thrown).rejects.toThrow('sync boom');
    await expect(ok).resolves.toBe(42);
  });

  it('counts pending tasks', async () => {
    const queue = createSerialQueue();
    expect(queue.pending).toBe(0);
    const a = queue.run(tick);
    const b = queue.run(tick);
    expect(queue.pending).toBe(2);
    await Promise.all([a, b]);
    await tick();
    expect(queue.pending).toBe(0);
  });
});
