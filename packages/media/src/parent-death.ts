// Children that die with their server. A SIGKILLed Node process runs no exit hook, and FFmpeg reparented to
// init ran on for 47 s, writing into the folder the restarted server's retry used. On Linux, util-linux's
// `setpriv --pdeathsig KILL` (Debian: essential, always installed) sets the kernel's parent-death signal and
// then execs the command itself (searching PATH as spawn would): same pid, same arguments, and the kernel
// kills it the moment we die.
import { accessSync, constants } from 'node:fs';

/** Where setpriv lives on Debian; absent elsewhere (then children are ended by the exit hook only). */
export const SETPRIV = '/usr/bin/setpriv';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The spawn command and arguments that make the child die with this process, and whether they are wrapped. */
export function dyingWithParent(
  command: string,
  args: readonly string[],
  setpriv: string = SETPRIV,
): { command: string; args: readonly string[]; wrapped: boolean } {
  if (process.platform !== 'linux' || !executable(setpriv)) return { command, args, wrapped: false };
  return { command: setpriv, args: ['--pdeathsig', 'KILL', '--', command, ...args], wrapped: true };
}

/**
 * Why setpriv could not start the command (its exit 127 or 126 with "failed to execute"), in spawn()'s words,
 * or null when the command ran: so a missing FFmpeg is still a `spawn_failed`, not an exit code.
 */
export function execFailure(exitCode: number | null, stderr: string): string | null {
  if ((exitCode !== 127 && exitCode !== 126) || !/setpriv: failed to execute /.test(stderr)) return null;
  return exitCode === 127 ? 'not found (ENOENT)' : 'permission denied (EACCES)';
}
