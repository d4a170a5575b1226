// The sequencer of a multi-SCO course (SN book's overall sequencing process, in the subset ADR 0011 names):
// navigation requests (the learner's buttons and table of contents, a SCO's adl.nav.request) become the next
// activity to deliver, the end of the course, or a refusal; the end of each attempt is recorded and rolled up.
import {
  buildActivityTree,
  findActivity,
  isLeaf,
  pathToRoot,
  preorder,
  type Activity,
  type ObjectiveStatus,
} from './activity-tree.js';
import { restoreSnapshot, snapshotOf, type CourseSnapshot } from './course-snapshot.js';
import { choiceWalk, flowFrom, flowInto, type Walk } from './flow-traversal.js';
import { rollupFrom } from './rollup.js';
import { firstAction } from './rule-check.js';
import type { LaunchActivity } from '@coursecast/api';

/** A navigation request (SCORM 2004 RTE 4.4 `adl.nav.request`, or the learner's controls). */
export type NavRequest =
  | {
      kind:
        | 'start'
        | 'resumeAll'
        | 'continue'
        | 'previous'
        | 'exit'
        | 'exitAll'
        | 'suspendAll'
        | 'abandon'
        | 'abandonAll';
    }
  | { kind: 'choice' | 'jump'; target: string };

/** What the launch frame does next. */
export type NavOutcome =
  | { type: 'deliver'; activity: Activity; resume: boolean }
  | { type: 'end'; reason: 'exitAll' | 'suspendAll' | 'abandonAll' | 'endOfCourse' }
  | { type: 'wait' }
  | { type: 'invalid'; reason: string };

/** What a SCO's attempt ended with, from its CMI data. */
export interface AttemptResult {
  completed: boolean | null;
  satisfied: boolean | null;
  measure: number | null;
  objectives: ReadonlyMap<string, ObjectiveStatus>;
  /** cmi.exit was `suspend`: the next delivery resumes this attempt. */
  suspend: boolean;
}

export interface Sequencer {
  readonly root: Activity;
  readonly current: Activity | null;
  /** The course ended (exitAll, suspendAll, the end of its flow); only resumeAll after suspendAll goes on. */
  readonly ended: boolean;
  navigate(request: NavRequest): NavOutcome;
  /** Records the current leaf's attempt and rolls it up. */
  endAttempt(result: AttemptResult): void;
  /** Whether the request would be honoured now (adl.nav.request_valid, the controls' state). */
  isValid(request: NavRequest): boolean;
  /** Whether an activity of that identifier exists. */
  exists(id: string): boolean;
  /** The course's state to keep: where it was suspended, or else the activity delivered now, resumes next time. */
  snapshot(): CourseSnapshot;
  /**
   * Takes a kept state back before the course starts; true when it names an activity to resume at (the course is
   * then suspended there and `resumeAll` goes on), false when it only restored the statuses.
   */
  restore(snapshot: CourseSnapshot): boolean;
}

const NAV_PATTERN =
  /^(?:(start|resumeAll|continue|previous|exit|exitAll|suspendAll|abandon|abandonAll)|\{target=(\S+)\}(choice|jump))$/;

/** Reads an `adl.nav.request` value; null for `_none_` or anything else. */
export function parseNavRequest(value: string): NavRequest | null {
  const m = NAV_PATTERN.exec(value);
  if (!m) return null;
  if (m[1]) return { kind: m[1] as Exclude<NavRequest['kind'], 'choice' | 'jump'> };
  return { kind: m[3] as 'choice' | 'jump', target: m[2] ?? '' };
}

/** A sequencer over the launch config's organization. */
export function createSequencer(organization: LaunchActivity, edition: '1.2' | '2004'): Sequencer {
  const root = buildActivityTree(organization, edition);
  const all = preorder(root);
  let current: Activity | null = null;
  let suspendedAt: Activity | null = null;
  let ended = false;

  const endAttemptOf = (a: Activity): void => {
    if (!a.active) return;
    for (const d of preorder(a)) d.active = false;
    rollupFrom(a);
  };

  const deliver = (target: Activity, resume: boolean): NavOutcome => {
    const path = pathToRoot(target);
    for (const a of all) if (a.active && !path.includes(a)) a.active = false;
    for (const a of path.reverse()) {
      if (a.active) continue;
      const resuming = resume || (a === target && a.suspended);
      a.active = true;
      if (!resuming) {
        a.attemptCount++;
        if (isLeaf(a)) {
          a.completed = null;
          a.objective = { satisfied: null, measure: null };
          a.objectives.clear();
        }
      }
    }
    const resumed = target.suspended;
    for (const a of pathToRoot(target)) a.suspended = false;
    current = target;
    ended = false;
    return { type: 'deliver', activity: target, resume: resume || resumed };
  };

  const outcomeOf = (walk: Walk): NavOutcome => {
    if ('activity' in walk) return deliver(walk.activity, false);
    if ('end' in walk) return finish('endOfCourse');
    return { type: 'invalid', reason: walk.invalid };
  };

  const finish = (reason: Extract<NavOutcome, { type: 'end' }>['reason']): NavOutcome => {
    if (reason !== 'suspendAll') for (const a of all) a.active = false;
    current = null;
    ended = true;
    return { type: 'end', reason };
  };

  /** TB.2.1-2.3: ends the current attempt, then exit and postcondition rules; a request they replace it with. */
  const terminate = (): NavRequest['kind'] | 'retryAll' | 'retry' | null => {
    // An attempt ends once: its rules are not run again by the next request.
    if (!current?.active) return null;
    endAttemptOf(current);
    for (const a of pathToRoot(current).reverse().slice(0, -1)) {
      if (firstAction(a, a.seq.exitConditionRules, ['exit'])) {
        endAttemptOf(a);
        current = a;
        break;
      }
    }
    for (let a: Activity | null = current; a;) {
      const action = firstAction(a, a.seq.postConditionRules, [
        'exitParent',
        'exitAll',
        'retry',
        'retryAll',
        'continue',
        'previous',
      ]);
      if (action === 'exitParent' && a.parent) {
        endAttemptOf(a.parent);
        current = a = a.parent;
        continue;
      }
      return action === 'exitParent' ? null : (action as NavRequest['kind'] | 'retry' | 'retryAll' | null);
    }
    return null;
  };

  const walkOf = (request: NavRequest): Walk | null => {
    switch (request.kind) {
      case 'continue':
        if (!current?.parent?.seq.flow) return { invalid: 'continuing is not allowed here' };
        return flowFrom(current, 'forward');
      case 'previous':
        if (!current?.parent?.seq.flow) return { invalid: 'going back is not allowed here' };
        return flowFrom(current, 'backward');
      case 'choice':
      case 'jump': {
        const target = findActivity(root, request.target);
        if (!target) return { invalid: `there is no activity "${request.target}"` };
        // A jump (4th edition) ignores the choice controls: it goes where the content says.
        if (request.kind === 'jump') return target.url ? { activity: target } : flowInto(target, 'forward');
        return choiceWalk(target, current);
      }
      default:
        return null;
    }
  };

  const isValid = (request: NavRequest): boolean => {
    if (ended) return request.kind === 'resumeAll' && suspendedAt !== null;
    switch (request.kind) {
      case 'start':
        return current === null;
      case 'resumeAll':
        return false;
      case 'exit':
      case 'exitAll':
      case 'suspendAll':
      case 'abandon':
      case 'abandonAll':
        return current !== null;
      default: {
        const walk = walkOf(request);
        return walk !== null && !('invalid' in walk);
      }
    }
  };

  const navigate = (request: NavRequest): NavOutcome => {
    if (!isValid(request)) {
      const walk = walkOf(request);
      const reason = walk && 'invalid' in walk ? walk.invalid : `${request.kind} is not possible now`;
      return { type: 'invalid', reason };
    }
    switch (request.kind) {
      case 'start': {
        const walk = flowInto(root, 'forward');
        return 'activity' in walk ? deliver(walk.activity, false) : { type: 'wait' };
      }
      case 'resumeAll': {
        const target = suspendedAt as Activity;
        suspendedAt = null;
        return deliver(target, true);
      }
      case 'suspendAll':
        for (const a of pathToRoot(current as Activity)) {
          a.suspended = true;
          a.active = false;
        }
        suspendedAt = current;
        return finish('suspendAll');
      case 'abandon':
        for (const a of preorder(current as Activity)) a.active = false;
        return { type: 'wait' };
      case 'abandonAll':
        return finish('abandonAll');
      case 'exitAll':
        terminate();
        return finish('exitAll');
      default:
        break;
    }
    const replaced = terminate();
    if (replaced === 'exitAll') return finish('exitAll');
    if (replaced === 'retryAll') {
      for (const a of all) a.active = false;
      return outcomeOf(flowInto(root, 'forward'));
    }
    const at = current as Activity;
    if (replaced === 'retry')
      return outcomeOf(isLeaf(at) ? { activity: at } : flowInto(at.children[0] ?? at, 'forward'));
    if (replaced === 'continue' || replaced === 'previous') {
      return outcomeOf(flowFrom(at, replaced === 'continue' ? 'forward' : 'backward'));
    }
    if (request.kind === 'exit') return at.parent ? { type: 'wait' } : finish('endOfCourse');
    return outcomeOf(walkOf(request) ?? { invalid: 'nothing to do' });
  };

  return {
    root,
    get current() {
      return current;
    },
    get ended() {
      return ended;
    },
    navigate,
    endAttempt(result) {
      const leaf = current;
      if (!leaf || !leaf.active || !leaf.seq.tracked) return;
      leaf.completed = result.completed ?? (leaf.seq.completionSetByContent ? null : true);
      leaf.objective = {
        satisfied: result.satisfied ?? (leaf.seq.objectiveSetByContent ? null : true),
        measure: result.measure,
      };
      for (const [id, status] of result.objectives) leaf.objectives.set(id, status);
      leaf.suspended = result.suspend;
      rollupFrom(leaf);
    },
    isValid,
    exists: (id) => findActivity(root, id) !== undefined,
    snapshot: () => snapshotOf(root, suspendedAt ?? current),
    restore(snapshot) {
      const at = restoreSnapshot(root, snapshot);
      current = null;
      suspendedAt = at;
      ended = at !== null;
      return ended;
    },
  };
}
