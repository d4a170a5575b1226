import { describe, expect, it } from 'vitest';
import { cleanTitle, TitleInput } from './title-text.js';

describe('titles', () => {
  it('cleans a title taken from a file: controls and line breaks become one space', () => {
    expect(cleanTitle('evil\u0000')).toBe('evil');
    expect(cleanTitle('Week 1\r\n\tIntro\u001b[31m  to\u0085SQL ')).toBe('Week 1 Intro [31m to SQL');
    expect(cleanTitle('\u0000\u0001')).toBe('');
    expect(cleanTitle('x'.repeat(300))).toHaveLength(200);
  });

  it('refuses a client title with a control character, and makes a multi-line one a line', () => {
    expect(TitleInput.safeParse('evil\u0000').error?.issues[0]?.message).toBe(
      'must not contain control characters (such as U+0000)',
    );
    expect(TitleInput.safeParse('bell\u0007').success).toBe(false);
    expect(TitleInput.safeParse('C1\u009b').success).toBe(false);
    expect(TitleInput.parse('  Two\nlines\tand a tab ')).toBe('Two lines and a tab');
    expect(TitleInput.safeParse(' \n ').error?.issues[0]?.message).toBe('title is required');
    expect(TitleInput.safeParse('x'.repeat(201)).success).toBe(false);
  });
});
