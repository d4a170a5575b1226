// What the caption tests share: the lecture's caption files, the cues they hold, and reading the cues a page shows
// (Chromium's TextTrack cues, as hls.js or a <track> made them) to compare them with the files.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** English subtitles, one cue across the 4 s segment boundary. */
export const EN_VTT = `WEBVTT

00:00.800 --> 00:02.200
Welcome to signals and systems

00:03.500 --> 00:05.000
A signal crosses the segment boundary

00:07.000 --> 00:09.000
Sampling and aliasing
`;
/** French subtitles as SubRip. */
export const FR_SRT = `1
00:00:01,000 --> 00:00:02,500
Bonjour à tous

2
00:00:06,000 --> 00:00:08,000
L'échantillonnage
`;

/** The DOM the page functions touch (e2e compiles without the DOM library; the casts vanish in the browser). */
interface PageCue {
  startTime: number;
  endTime: number;
  text: string;
}
interface PageTextTrack {
  label: string;
  mode: string;
  cues: ArrayLike<PageCue> | null;
  activeCues: ArrayLike<PageCue> | null;
}
interface PageVideo {
  currentTime: number;
  pause(): void;
  play(): Promise<void>;
  textTracks: ArrayLike<PageTextTrack>;
}
export interface PageGlobals {
  document: {
    querySelector(selector: 'video'): PageVideo;
    styleSheets: ArrayLike<{ cssRules: ArrayLike<{ cssText: string }> }>;
    activeElement: { id: string; textContent: string | null } | null;
  };
  coursecastWatch: { hls: { audioTrack: number } };
}

/** `[start, end, text]` of a cue list, for comparison with the files. */
export type Cue = [number, number, string];
export const FILE_CUES: Record<string, Cue[]> = {
  English: [
    [0.8, 2.2, 'Welcome to signals and systems'],
    [3.5, 5, 'A signal crosses the segment boundary'],
    [7, 9, 'Sampling and aliasing'],
  ],
  Français: [
    [1, 2.5, 'Bonjour à tous'],
    [6, 8, "L'échantillonnage"],
  ],
};

/** The showing text track's label and cues, once hls.js loaded them all. */
export async function showingCues(page: Page, label: string): Promise<Cue[]> {
  const handle = await page.waitForFunction(
    ({ label, count }) => {
      const video = (globalThis as unknown as PageGlobals).document.querySelector('video');
      const track = Array.from(video.textTracks).find((tt) => tt.label === label && tt.mode === 'showing');
      const cues = track?.cues ? Array.from(track.cues) : [];
      // A cue spanning segments is written in each: hls.js keeps one.
      const unique = new Map(cues.map((c) => [c.startTime.toFixed(2), c]));
      if (unique.size < count) return null;
      return [...unique.values()].map((c) => [c.startTime, c.endTime, c.text]);
    },
    { label, count: FILE_CUES[label]!.length },
    { timeout: 15_000 },
  );
  return (await handle.jsonValue()) as Cue[];
}

/** The cues shown are the file's, each start and end within 100 ms. */
export function expectCuesMatch(shown: Cue[], expected: Cue[]): void {
  expect(shown.map((c) => c[2])).toEqual(expected.map((c) => c[2]));
  shown.forEach((c, i) => {
    expect(Math.abs(c[0] - expected[i]![0]), `start of "${c[2]}"`).toBeLessThanOrEqual(0.1);
    expect(Math.abs(c[1] - expected[i]![1]), `end of "${c[2]}"`).toBeLessThanOrEqual(0.1);
  });
}
