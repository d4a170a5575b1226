import type { Guard } from './sdk-types.js';

/** An `onError` that tells the page's developer in the console (`[coursecast] <what> error in <where>:`). */
export const warnInConsole =
  (what: string) =>
  (where: string, err: unknown): void =>
    globalThis.console?.warn?.(`[coursecast] ${what} error in ${where}:`, err);

/** A guard that counts what it catches and hands the first error of each place to `onError` (never throws). */
export function createGuard(onError: (where: string, err: unknown) => void): Guard {
  let count = 0;
  const seen = new Set<string>();
  const caught = (where: string, err: unknown) => {
    count++;
    if (seen.has(where)) return;
    seen.add(where);
    try {
      onError(where, err);
    } catch {
      // The reporter itself failed: the count still says so.
    }
  };
  return {
    wrap:
      (where, fn) =>
      (...args) => {
        try {
          fn(...args);
        } catch (err) {
          caught(where, err);
        }
      },
    run(where, fn) {
      try {
        fn();
      } catch (err) {
        caught(where, err);
      }
    },
    count: () => count,
  };
}
