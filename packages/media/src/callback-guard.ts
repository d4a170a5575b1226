/** Calls an observer callback by name; absent callbacks are skipped. */
export type Guard = <A extends unknown[]>(
  name: string,
  fn: ((...args: A) => void) | undefined,
  ...args: A
) => void;

/**
 * Calls an observer so that its exception never reaches what it observes (ARCHITECTURE.md §6): a
 * throwing callback is reported to `onError` by name, and a throwing `onError` is ignored.
 */
export function makeGuard(onError: ((name: string, err: unknown) => void) | undefined): Guard {
  return (name, fn, ...args) => {
    if (!fn) return;
    try {
      fn(...args);
    } catch (err) {
      try {
        onError?.(name, err);
      } catch {
        // An error reporter that throws has nobody left to report to.
      }
    }
  };
}
