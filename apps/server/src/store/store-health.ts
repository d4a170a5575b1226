/** The states a store's database goes through: `reopening` after a fatal error (a full disk), until it reopens. */
export const STORE_STATES = {
  open: 'open',
  reopening: 'reopening',
  closed: 'closed',
} as const;
/** One of STORE_STATES. */
export type StoreState = (typeof STORE_STATES)[keyof typeof STORE_STATES];

/** What readiness and the logs need to know about a store's database. */
export interface StoreHealth {
  state: StoreState;
  /** The fatal error that made it reopen; null while it is open. */
  error: string | null;
  /** When that error happened (ISO 8601); null while it is open. */
  since: string | null;
  /** Reopen attempts that failed in this outage (the next waits longer, up to the policy's cap). */
  failedAttempts: number;
  /** Why the last of them failed; null when none has. */
  lastAttemptError: string | null;
  /** Successful reopens since the store was opened. */
  reopens: number;
}

/** A store that can say whether it can write, and tell when that changes. */
export interface StoreHealthSource {
  health(): StoreHealth;
  /** Calls `listener` on every state change; returns the function that stops it. */
  onHealthChange(listener: (health: StoreHealth) => void): () => void;
}
