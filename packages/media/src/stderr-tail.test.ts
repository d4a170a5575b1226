import { describe, expect, it } from 'vitest';
import { StderrTail } from './stderr-tail.js';

describe('StderrTail', () => {
  it('keeps only the last lines', () => {
    const tail = new StderrTail({ maxLines: 3, maxChars: 1000 });
    for (let i = 1; i <= 10; i++) tail.push(`line ${i}\n`);
    expect(tail.text()).toBe('line 8\nline 9\nline 10');
  });

  it('stays within its character budget however much is written', () => {
    const tail = new StderrTail({ maxLines: 20, maxChars: 100 });
    for (let i = 0; i < 10_000; i++) tail.push(`${'x'.repeat(30)} ${i}\n`);
    expect(tail.text().length).toBeLessThanOrEqual(100 + 20);
    expect(tail.text()).toContain(' 9999');
  });

  it('bounds a line that never ends', () => {
    const tail = new StderrTail({ maxLines: 20, maxChars: 50 });
    for (let i = 0; i < 1000; i++) tail.push('y'.repeat(100));
    expect(tail.text().length).toBeLessThanOrEqual(50);
  });

  it('joins lines split across chunks and treats \\r as a break', () => {
    const tail = new StderrTail();
    tail.push('Invalid da');
    tail.push('ta found\rframe=1\r\n\nlast');
    expect(tail.text()).toBe('Invalid data found\nframe=1\nlast');
    expect(tail.lastLines(2)).toEqual(['frame=1', 'last']);
  });
});
