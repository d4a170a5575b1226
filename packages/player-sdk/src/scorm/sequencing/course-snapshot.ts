// A course's tracking state as the LMS keeps it between launches (SN 4th ed., 4.2: the activity state tree the
// LMS persists for a suspended course): each activity's attempt count, completion, primary and local objectives,
// whether it is suspended, and which activity the course was suspended at. Short keys: it travels at every commit.
import { preorder, type Activity, type ObjectiveStatus } from './activity-tree.js';

type Objective = [satisfied: boolean | null, measure: number | null];

/** One activity's state. */
interface ActivityState {
  n: number;
  s?: 1;
  c: boolean | null;
  o: Objective;
  ob?: Record<string, Objective>;
}

/** The state of a whole course. */
export interface CourseSnapshot {
  v: 1;
  /** The activity the course resumes at; null when it was not suspended at one. */
  at: string | null;
  a: Record<string, ActivityState>;
}

const pack = (o: ObjectiveStatus): Objective => [o.satisfied, o.measure];
const unpack = (o: unknown): ObjectiveStatus => {
  const [satisfied, measure]: unknown[] = Array.isArray(o) ? (o as unknown[]) : [];
  return {
    satisfied: typeof satisfied === 'boolean' ? satisfied : null,
    measure: typeof measure === 'number' && measure >= -1 && measure <= 1 ? measure : null,
  };
};

/** The tree's state; `at` (and its ancestors) marked suspended, as a course left there resumes. */
export function snapshotOf(root: Activity, at: Activity | null): CourseSnapshot {
  const a: Record<string, ActivityState> = {};
  const path = new Set<Activity>();
  for (let x = at; x; x = x.parent) path.add(x);
  for (const act of preorder(root)) {
    const state: ActivityState = { n: act.attemptCount, c: act.completed, o: pack(act.objective) };
    if (act.suspended || path.has(act)) state.s = 1;
    if (act.objectives.size > 0) {
      state.ob = Object.fromEntries([...act.objectives].map(([id, o]) => [id, pack(o)]));
    }
    a[act.id] = state;
  }
  return { v: 1, at: at?.id ?? null, a };
}

/**
 * Puts a snapshot's state back on a fresh tree (nothing active); activities the package no longer has are skipped,
 * and a value of the wrong shape is taken as unknown. Returns the activity to resume at, if it still exists.
 */
export function restoreSnapshot(root: Activity, snapshot: CourseSnapshot): Activity | null {
  let at: Activity | null = null;
  for (const act of preorder(root)) {
    const state = snapshot.a[act.id];
    if (!state) continue;
    act.attemptCount = Number.isInteger(state.n) && state.n >= 0 ? state.n : 0;
    act.completed = typeof state.c === 'boolean' ? state.c : null;
    act.objective = unpack(state.o);
    act.suspended = state.s === 1;
    act.active = false;
    act.objectives.clear();
    for (const [id, o] of Object.entries(state.ob ?? {})) act.objectives.set(id, unpack(o));
    if (act.id === snapshot.at && act.url) at = act;
  }
  return at;
}

/** A snapshot from its parsed JSON, or null when it is not one. */
export function asSnapshot(value: unknown): CourseSnapshot | null {
  const s = value as Partial<CourseSnapshot> | null;
  return s && typeof s === 'object' && s.v === 1 && typeof s.a === 'object' && s.a !== null
    ? { v: 1, at: typeof s.at === 'string' ? s.at : null, a: s.a }
    : null;
}
