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
    // Made at the first call, as the real one: a session removed before anyone asked never writes it (an eager
    // write would fail on the removed folder with nobody to catch it).
    let master: Promise<void> | null = null;
    return {
      dir,
      playlist,
      master: () =>
        (master ??= writeFile(
          path.join(dir, 'master.m3u8'),
          '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=16000,CODECS="avc1.42c00d"\nindex.m3u8\n',
        )),
      segmentCount: segments,
      staticFiles: new Set<string>(),
      segmentFile: name,
      segmentIndex: (file) => (/^seg_\d{5}\.ts$/.test(file) ? Number(file.slice(4, 9)) : null),
      startEncoder(startIndex, _generation, events) {
        let next = startIndex;
        let stopped = false;
        const tick = async (): Promise<void> => {
          if (stopped || next >= segments) return;
          // A session stopped mid-write has its folder removed under it: that write's failure is expected.
          const wrote = await writeFile(path.join(dir, name(next)), Buffer.alloc(188 * 10, next)).then(
            () => true,
            (err: unknown) => {
              if (!stopped) throw err;
              return false;
            },
          );
          if (!wrote || stopped) return;
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
