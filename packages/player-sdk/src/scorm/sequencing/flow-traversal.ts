// Where a navigation request leads, without changing anything (SN SB.2.1-2.3 flow traversal, SB.2.9 choice
// checks): the sequencer acts on the answer, and the same answer says whether a request is valid for
// `adl.nav.request_valid.*` and the launch frame's buttons.
import { isLeaf, pathToRoot, type Activity } from './activity-tree.js';
import { preconditionFires } from './rule-check.js';

/** Where a walk ends: an activity to deliver, the end of the course, or why the request cannot be honoured. */
export type Walk = { activity: Activity } | { end: true } | { invalid: string };

export type Direction = 'forward' | 'backward';

const limitExceeded = (a: Activity): boolean =>
  a.seq.attemptLimit !== null && a.attemptCount >= a.seq.attemptLimit && !a.active;

/** Why the activity cannot be started now (disabled rule, attempt limit), or null. */
export function unavailable(a: Activity): string | null {
  if (preconditionFires(a, ['disabled'])) return `"${a.title}" is disabled`;
  if (limitExceeded(a)) return `"${a.title}" has used its ${a.seq.attemptLimit} attempt(s)`;
  return null;
}

/** Flow activity traversal (SB.2.2): enters `a` going `dir`, skipping what its rules skip. */
export function flowInto(a: Activity, dir: Direction): Walk {
  if (a.parent && !a.parent.seq.flow)
    return { invalid: `"${a.parent.title}" does not allow flow navigation` };
  if (preconditionFires(a, ['skip'])) return flowFrom(a, dir);
  if (dir === 'forward' && a.parent && preconditionFires(a, ['stopForwardTraversal'])) {
    return { invalid: `"${a.title}" stops forward navigation` };
  }
  const why = unavailable(a);
  if (why) return { invalid: why };
  if (isLeaf(a)) return a.url ? { activity: a } : flowFrom(a, dir);
  if (!a.seq.flow) return { invalid: `"${a.title}" does not allow flow navigation` };
  const forward = dir === 'forward' || a.seq.forwardOnly;
  const child = forward ? a.children[0] : a.children[a.children.length - 1];
  return child ? flowInto(child, forward ? 'forward' : 'backward') : flowFrom(a, dir);
}

/** Flow tree traversal (SB.2.1): the next (or previous) activity after `a`, not entering `a` itself. */
export function flowFrom(a: Activity, dir: Direction): Walk {
  const parent = a.parent;
  if (!parent) return dir === 'forward' ? { end: true } : { invalid: 'this is the beginning of the course' };
  if (dir === 'backward' && parent.seq.forwardOnly) {
    return { invalid: `"${parent.title}" only allows moving forward` };
  }
  const i = parent.children.indexOf(a);
  const next = parent.children[dir === 'forward' ? i + 1 : i - 1];
  return next ? flowInto(next, dir) : flowFrom(parent, dir);
}

/** The child of `ancestor` on the path down to `a`. */
function branchOf(ancestor: Activity, a: Activity): Activity | undefined {
  return pathToRoot(a).find((x) => x.parent === ancestor);
}

/** Why choosing `target` is not allowed from `current` (SB.2.9), or null when it is. */
export function choiceRefusal(target: Activity, current: Activity | null): string | null {
  const path = pathToRoot(target);
  for (const a of path.slice(1)) {
    if (!a.seq.choice) return `"${a.title}" does not allow choosing its activities`;
  }
  for (const a of path) {
    if (preconditionFires(a, ['hiddenFromChoice'])) return `"${a.title}" is hidden from choice`;
    const why = unavailable(a);
    if (why && a !== path[path.length - 1]) return why;
  }
  if (current) {
    const targetPath = new Set(path);
    for (const a of pathToRoot(current)) {
      if (targetPath.has(a)) {
        // The common ancestor: going back is not allowed where it only goes forward.
        const from = branchOf(a, current);
        const to = branchOf(a, target);
        if (a.seq.forwardOnly && from && to && a.children.indexOf(to) < a.children.indexOf(from)) {
          return `"${a.title}" only allows moving forward`;
        }
        break;
      }
      if (a.active && !a.seq.choiceExit) return `"${a.title}" must be finished before choosing elsewhere`;
    }
  }
  return null;
}

/** Where a choice of `target` leads: the target itself, or (a cluster) the first activity flow finds in it. */
export function choiceWalk(target: Activity, current: Activity | null): Walk {
  const refusal = choiceRefusal(target, current);
  if (refusal) return { invalid: refusal };
  if (isLeaf(target)) {
    const why = unavailable(target);
    if (why) return { invalid: why };
    return target.url ? { activity: target } : { invalid: `"${target.title}" has nothing to launch` };
  }
  if (!target.seq.flow) return { invalid: `"${target.title}" does not allow flow navigation` };
  const first = target.children[0];
  return first ? flowInto(first, 'forward') : { invalid: `"${target.title}" is empty` };
}
