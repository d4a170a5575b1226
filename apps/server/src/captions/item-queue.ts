/** Runs work one at a time per item (in call order); different items run side by side. */
export interface ItemQueue {
  run<T>(itemId: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Builds a queue. A caption change reads the item's tracks, builds a version and commits: two at once on one item
 * would each build a version missing the other's track, so they take turns.
 */
export function createItemQueue(): ItemQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(itemId, work) {
      const before = tails.get(itemId) ?? Promise.resolve();
      const result = before.then(work, work);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(itemId, tail);
      void tail.then(() => {
        if (tails.get(itemId) === tail) tails.delete(itemId);
      });
      return result;
    },
  };
}
