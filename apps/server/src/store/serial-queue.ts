/** Runs async tasks one at a time, in submission order. */
export interface SerialQueue {
  /** Runs `task` after every task submitted before it has settled; resolves or rejects as `task` does. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks submitted and not yet settled. */
  readonly pending: number;
}

/** A new, empty serial queue. */
export function createSerialQueue(): SerialQueue {
  // The tail never rejects, so one failed task doesn't poison the tasks behind it.
  let tail: Promise<void> = Promise.resolve();
  let pending = 0;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      pending += 1;
      const result = tail.then(task);
      tail = result.then(
        () => {
          pending -= 1;
        },
        () => {
          pending -= 1;
        },
      );
      return result;
    },
    get pending() {
      return pending;
    },
  };
}
