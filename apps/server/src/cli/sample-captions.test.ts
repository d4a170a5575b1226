import { normalizeCaptions } from '@coursecast/media';
import { describe, expect, it } from 'vitest';
import { sampleCaptions } from './sample-captions.js';

describe("the demo lecture's captions", () => {
  it('pass the upload checks for the demo lecture, every cue inside it', () => {
    for (const seconds of [4, 16, 60]) {
      const n = normalizeCaptions(new TextEncoder().encode(sampleCaptions(seconds)), {
        durationSeconds: seconds,
        maxBytes: 100_000,
      });
      expect(n.cueCount).toBeGreaterThan(0);
      expect(n.warnings).toEqual([]);
    }
    expect(sampleCaptions(16)).toContain('00:13.533 --> 00:15.800\nThe dashboard shows');
  });
});
