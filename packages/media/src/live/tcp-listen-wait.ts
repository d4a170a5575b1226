import { readFile } from 'node:fs/promises';

/** Whether some socket listens on TCP `port` (any address), from the kernel's tables (Linux `/proc/net/tcp*`). */
async function listening(port: number): Promise<boolean> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    // Columns: sl, local_address (ADDR:PORT in hex), rem_address, st (0A = LISTEN).
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A') return true;
    }
  }
  return false;
}

/**
 * Waits until a child listens on `port`, without connecting to it: FFmpeg's RTMP listener accepts exactly one
 * connection, so a probe by connecting would be taken for the publisher. False after `timeoutMs`.
 */
export async function waitForTcpListen(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await listening(port)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 15));
  }
}
