import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli.js';
import { FFPROBE, testClip } from '../test-support/media-fixtures.js';

let out: string;
let err: string;
const saved = { ...process.env };

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
});

const cli = (...args: string[]) => runCli(['node', 'coursecast', ...args]);

describe('coursecast CLI', () => {
  it('config prints the effective configuration with the token masked', async () => {
    process.env.COURSECAST_ADMIN_TOKEN = 'cli-secret-token-abcdef';
    process.env.COURSECAST_PORT = '9123';
    expect(await cli('config')).toBe(0);
    const printed = JSON.parse(out) as { port: number; adminToken: string };
    expect(printed.port).toBe(9123);
    expect(printed.adminToken).toBe('****cdef');
    expect(out).not.toContain('cli-secret-token');
  });

  it('exits 2 naming the invalid setting', async () => {
    process.env.COURSECAST_PORT = 'eighty';
    expect(await cli('config')).toBe(2);
    expect(err).toMatch(/COURSECAST_PORT \(port\)/);
  });

  it('edge refuses to start without a valid origin or cache size', async () => {
    expect(await cli('edge')).toBe(2);
    expect(err).toMatch(/required option '--origin <url>'/);
    err = '';
    expect(await cli('edge', '--origin', 'not a url')).toBe(2);
    expect(err).toMatch(/delivery\.origin/);
    err = '';
    expect(await cli('edge', '--origin', 'http://127.0.0.1:1', '--cache-size', 'lots')).toBe(2);
    expect(err).toMatch(/--cache-size <bytes>.*must be a size/);
  });

  it('exits 2 on an unknown command', async () => {
    expect(await cli('transcodee')).toBe(2);
    expect(err).toMatch(/unknown command/);
  });

  it('transcode writes a ladder that ffprobe validates', async () => {
    const clip = await testClip({ seconds: 2, width: 320, height: 240 });
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'cc-cli-')), 'ladder');
    process.env.FFPROBE_PATH = FFPROBE;
    expect(await cli('transcode', clip, '--out', outDir, '--ladder', '240,144')).toBe(0);
    expect(out.trim()).toBe(path.join(outDir, 'master.m3u8'));
    expect(err).toMatch(/transcoding \[/);
    expect(err).toMatch(/240p\s+\S+\s+\d+ segments/);
    const master = readFileSync(path.join(outDir, 'master.m3u8'), 'utf8');
    expect(master.match(/#EXT-X-STREAM-INF/g)).toHaveLength(2);
    const streams = execFileSync(
      FFPROBE,
      [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_name,height',
        '-of',
        'csv=p=0',
        path.join(outDir, 'master.m3u8'),
      ],
      { encoding: 'utf8' },
    );
    expect(streams).toMatch(/h264,240/);
    expect(streams).toMatch(/h264,144/);
    expect(streams).toMatch(/aac/);
    // Running again into the same folder must not clobber it.
    expect(await cli('transcode', clip, '--out', outDir)).toBe(1);
    expect(err).toMatch(/already exists/);
  });

  it('transcode of a missing or non-media file fails with a message', async () => {
    expect(await cli('transcode', '/nonexistent/lecture.mp4')).toBe(1);
    expect(err).toMatch(/no such file/);
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'cc-cli-')), 'x');
    expect(await cli('transcode', new URL(import.meta.url).pathname, '--out', outDir)).toBe(1);
    expect(err).toMatch(/invalid|Invalid data/i);
    expect(existsSync(outDir)).toBe(false);
  });
});
