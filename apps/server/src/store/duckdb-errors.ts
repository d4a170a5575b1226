import { StoreError, type StoreErrorCode } from './catalog-store.js';

// DuckDB reports every failure as a plain Error whose message starts with its error class
// ("Constraint Error: ...", "IO Error: ..."); the message is the only thing to classify on.
const CLASSIFIERS: ReadonlyArray<readonly [RegExp, StoreErrorCode]> = [
  [/^Constraint Error: .*(Duplicate key|violates (primary key|unique) constraint)/s, 'conflict'],
  [/^Constraint Error: /, 'invalid'],
  [/^(Conversion|Invalid Input|Out of Range) Error: /, 'invalid'],
  [/Could not set lock on file/, 'locked'],
  [/not a valid DuckDB database file/, 'corrupt'],
  [/^Connection Error: .*(closed|disconnected)/is, 'closed'],
];

/** The store's error code for a DuckDB failure. */
export function classifyDuckDbError(message: string): StoreErrorCode {
  for (const [pattern, code] of CLASSIFIERS) {
    if (pattern.test(message)) return code;
  }
  return 'internal';
}

// A checkpoint that cannot write (ENOSPC) is FATAL in DuckDB: the instance is invalidated and every later statement
// on any of its connections fails with "database has been invalidated" until the instance is closed and opened
// again. INTERNAL errors invalidate it the same way.
const FATAL = /database has been invalidated|\bFATAL Error: |\bINTERNAL Error: /;

/** True when a DuckDB failure has invalidated its database instance (only a reopen brings it back). */
export function isFatalDuckDbError(message: string): boolean {
  return FATAL.test(message);
}

/** Wraps any thrown value as a StoreError (a StoreError passes through unchanged). */
export function toStoreError(err: unknown, prefix?: string): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StoreError(classifyDuckDbError(message), prefix ? `${prefix}: ${message}` : message, {
    cause: err,
  });
}
