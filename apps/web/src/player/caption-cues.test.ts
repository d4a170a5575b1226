import { describe, expect, it } from 'vitest';
import { cueAt, parseTranscript, plainCueText, searchCues } from './caption-cues.js';

const VTT = `WEBVTT

NOTE made by coursecast

00:00.500 --> 00:01.500
<v Ana>Welcome <b>everyone</b></v>

intro
00:02.000 --> 00:03.000
Sampling &amp; aliasing &lt;3

01:00:02.000 --> 01:00:04.000
Été
second line
`;

describe('a caption track as a transcript', () => {
  it('reads each cue with its times, markup dropped and entities decoded', () => {
    expect(parseTranscript(VTT)).toEqual([
      { start: 0.5, end: 1.5, text: 'Welcome everyone' },
      { start: 2, end: 3, text: 'Sampling & aliasing <3' },
      { start: 3602, end: 3604, text: 'Été second line' },
    ]);
    expect(plainCueText('a&#233;&#x41;&unknown;')).toBe('aéA&unknown;');
  });

  it('finds the cue playing at a time, and searches the words ignoring case and accents', () => {
    const cues = parseTranscript(VTT);
    expect([0, 0.5, 1.6, 2.5, 3601, 3603].map((t) => cueAt(cues, t))).toEqual([-1, 0, -1, 1, -1, 2]);
    expect(searchCues(cues, 'ete')).toEqual([2]);
    expect(searchCues(cues, '  ALIAS ')).toEqual([1]);
    expect(searchCues(cues, '')).toEqual([0, 1, 2]);
    expect(searchCues(cues, 'nothing')).toEqual([]);
  });
});
