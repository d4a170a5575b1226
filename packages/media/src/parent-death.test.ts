import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runOwnedProcess } from './owned-process.js';
import { dyingWithParent, execFailure, SETPRIV } from './parent-death.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'cc-pdeath-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Running (a zombie awaiting its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('children die with their parent', () => {
  it('wraps the command in setpriv --pdeathsig KILL where setpriv is, and says when it could not exec', () => {
    expect(existsSync(SETPRIV)).toBe(true);
    expect(dyingWithParent('sleep', ['5'])).toEqual({
      command: SETPRIV,
      args: ['--pdeathsig', 'KILL', '--', 'sleep', '5'],
      wrapped: true,
    });
    expect(dyingWithParent('sleep', ['5'], '/nonexistent/setpriv')).toEqual({
      command: 'sleep',
      args: ['5'],
      wrapped: false,
    });
    expect(execFailure(127, 'setpriv: failed to execute nope: No such file or directory')).toBe(
      'not found (ENOENT)',
    );
    expect(execFailure(126, 'setpriv: failed to execute /etc/passwd: Permission denied')).toBe(
      'permission denied (EACCES)',
    );
    // The command's own 127 (a shell that found nothing) is its exit, not ours.
    expect(execFailure(127, 'sh: 1: nope: not found')).toBeNull();
    expect(execFailure(0, '')).toBeNull();
  });

  it('still reports a missing command as spawn_failed', async () => {
    await expect(
      runOwnedProcess({ command: 'no-such-ffmpeg-here', args: [], timeoutMs: 5000 }),
    ).rejects.toMatchObject({
      type: 'spawn_failed',
      message: 'cannot run no-such-ffmpeg-here at no-such-ffmpeg-here: not found (ENOENT)',
    });
  });

  it('a child of a SIGKILLed Node process is gone at once, not reparented to run on', async () => {
    const script = path.join(dir, 'parent.mts');
    writeFileSync(
      script,
      `import { runOwnedProcess } from ${JSON.stringify(path.join(here, 'owned-process.ts'))};\n` +
        `void runOwnedProcess({ command: 'sleep', args: ['60'], timeoutMs: 120000, ` +
        `onSpawn: (pid) => process.stdout.write('pid ' + pid + '\\n') });\n`,
    );
    const parent = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /pid (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.on('exit', (code) => reject(new Error(`parent exited ${code} before its child started`)));
    });
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toBe(false);
  });
});
