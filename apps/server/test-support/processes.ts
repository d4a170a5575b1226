import { readdirSync, readFileSync } from 'node:fs';

/** Pids of processes whose command line contains `needle` (Linux /proc; tests only). */
export function findProcesses(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(needle) && Number(entry) !== process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Waits until a process matching `needle` exists and returns its pid. */
export async function waitForProcess(needle: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [pid] = findProcesses(needle);
    if (pid) return pid;
    if (Date.now() > deadline) throw new Error(`no process matching ${needle} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
