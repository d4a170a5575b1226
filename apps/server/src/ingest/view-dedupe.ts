/** Settings of the duplicate filter. */
export interface DedupeOptions {
  /** Views remembered; the least recently seen is forgotten first. */
  maxViews: number;
}

/** Drops events whose (view id, sequence number) was already committed or is being committed. */
export interface ViewDedupe {
  /** Splits keys into new ones (now reserved) and duplicates. */
  reserve(keys: readonly { viewId: string; seq: number }[]): { fresh: boolean[]; duplicates: number };
  /** The reserved keys were committed: remember them. */
  commit(keys: readonly { viewId: string; seq: number }[]): void;
  /** The commit failed: a re-send of these keys must be accepted. */
  release(keys: readonly { viewId: string; seq: number }[]): void;
  /** Remembers keys committed before this process started (loaded from the store). */
  preload(viewId: string, seqs: readonly number[]): void;
}

/**
 * Creates the filter. Committed and in-flight keys are both checked: two copies of one beacon racing in two
 * requests are stored once, and a key whose commit failed is released so the client's retry is not lost.
 */
export function createViewDedupe(o: DedupeOptions): ViewDedupe {
  const committed = new Map<string, SeqSet>();
  const inflight = new Map<string, Set<number>>();

  function touch(viewId: string): SeqSet {
    let seqs = committed.get(viewId);
    if (seqs) committed.delete(viewId);
    else seqs = new SeqSet();
    committed.set(viewId, seqs);
    if (committed.size > o.maxViews) committed.delete(committed.keys().next().value as string);
    return seqs;
  }

  return {
    reserve(keys) {
      const fresh: boolean[] = [];
      let duplicates = 0;
      for (const { viewId, seq } of keys) {
        let pending = inflight.get(viewId);
        if (committed.get(viewId)?.has(seq) || pending?.has(seq)) {
          fresh.push(false);
          duplicates++;
          continue;
        }
        if (!pending) inflight.set(viewId, (pending = new Set()));
        pending.add(seq);
        fresh.push(true);
      }
      return { fresh, duplicates };
    },
    commit(keys) {
      for (const { viewId, seq } of keys) {
        touch(viewId).add(seq);
        const pending = inflight.get(viewId);
        pending?.delete(seq);
        if (pending?.size === 0) inflight.delete(viewId);
      }
    },
    release(keys) {
      for (const { viewId, seq } of keys) {
        const pending = inflight.get(viewId);
        pending?.delete(seq);
        if (pending?.size === 0) inflight.delete(viewId);
      }
    },
    preload(viewId, seqs) {
      const set = touch(viewId);
      for (const s of seqs) set.add(s);
    },
  };
}

/**
 * The sequence numbers of one view: everything below `floor`, plus the ones that came out of order. A player
 * numbers events from 0 without gaps, so a view costs two fields however long it plays (a plain Set would
 * grow by every event of every remembered view).
 */
class SeqSet {
  private floor = 0;
  private readonly extra = new Set<number>();

  has(seq: number): boolean {
    return seq < this.floor || this.extra.has(seq);
  }

  add(seq: number): void {
    if (seq < this.floor) return;
    this.extra.add(seq);
    while (this.extra.delete(this.floor)) this.floor++;
  }
}
