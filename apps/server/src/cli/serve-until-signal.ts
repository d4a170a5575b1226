/** What serving until a signal needs of the process: `process` itself in the CLI. */
export type SignalledProcess = Pick<NodeJS.Process, 'on' | 'exit'>;

/** Options of serveUntilSignal. */
export interface ServeUntilSignalOptions {
  /** What the shutdown waits for, added to the notice (e.g. ` (running jobs get 10 s)`). */
  note: string;
  /** After the first signal the process exits by this deadline, whatever the graceful shutdown is doing. */
  deadlineMs: number;
  process: SignalledProcess;
  /** Where notices go (stderr); must never throw. */
  notice(text: string): void;
}

/** The exit code of a process ended by a signal, as a shell reports it (128 + the signal's number). */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Keeps a server up until SIGINT or SIGTERM, then closes it gracefully and resolves with the exit code (0, or
 * 1 when the close failed). The shutdown is bounded: a second signal exits at once, and a close that hangs (a
 * stuck write, a child that won't die) is cut off at the deadline by an unref'd timer, so the process never
 * needs a SIGKILL. The timer stays armed after the close, in case a leaked handle keeps the process alive.
 */
export function serveUntilSignal(
  server: { close(): Promise<void> },
  o: ServeUntilSignalOptions,
): Promise<number> {
  const seconds = Math.round(o.deadlineMs / 100) / 10;
  return new Promise((resolve) => {
    let stopping = false;
    let code: number | null = null;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        o.notice(`${signal} again: exiting now\n`);
        o.process.exit(SIGNAL_EXIT[signal] ?? 1);
        return;
      }
      stopping = true;
      o.notice(`\n${signal}: shutting down${o.note}, at most ${seconds} s (${signal} again exits now)...\n`);
      setTimeout(() => {
        if (code === null) o.notice(`shutdown did not finish within ${seconds} s: exiting\n`);
        o.process.exit(code ?? 1);
      }, o.deadlineMs).unref();
      Promise.resolve()
        .then(() => server.close())
        .then(
          () => {
            code = 0;
            resolve(0);
          },
          (err: unknown) => {
            o.notice(`shutdown failed: ${String(err)}\n`);
            code = 1;
            resolve(1);
          },
        );
    };
    o.process.on('SIGINT', onSignal);
    o.process.on('SIGTERM', onSignal);
  });
}
