import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrepareSession } from '../src/jit/jit-service.js';

/**
 * A just-in-time media side without FFmpeg: a playlist of `segments` segments (and a master naming it), and an "encoder" that writes
 * one small MPEG-TS-sized file every 10 ms from where it starts. For route and CLI tests.
 */
export function fakeJitMedia(dataDir: () => string, segments = 6): PrepareSession {
  return async (sessionId) => {
    const dir = path.join(dataDir(), 'jit', sessionId);
    await mkdir(dir, { recursive: true });
    const name = (i: number): string => `seg_${String(i).padStart(5, '0')}.ts`;
    const entries = Array.from({ length: segments }, (_, i) => `#EXTINF:4.0,\n${name(i)}`).join('\n');
    const playlist = `#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n${entries}\n#EXT-X-ENDLIST\n`;
    await writeFile(path.join(dir, 'index.m3u8'), playlist);
    const master = writeFile(
      path.join(dir, 'master.m3u8'),
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=16000,CODECS="avc1.42c00d"\nindex.m3u8\n',
    );
    return {
      dir,
      playlist,
      master: () => master,
      segmentCount: segments,
      segmentFile: name,
      segmentIndex: (file) => (/^seg_\d{5}\.ts$/.test(file) ? Number(file.slice(4, 9)) : null),
      startEncoder(startIndex, _generation, events) {
        let next = startIndex;
        let stopped = false;
        const tick = async (): Promise<void> => {
          if (stopped || next >= segments) return;
          await writeFile(path.join(dir, name(next)), Buffer.alloc(188 * 10, next));
          if (stopped) return;
          events.segment(next++, 10);
          setTimeout(() => void tick(), 10);
        };
        setTimeout(() => void tick(), 10);
        return {
          startIndex,
          stop: async () => {
            stopped = true;
          },
        };
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  };
}
