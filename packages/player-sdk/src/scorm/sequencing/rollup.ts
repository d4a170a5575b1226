// Rollup (SN RB.1): after an attempt ends, each ancestor's measure, satisfaction and completion are derived
// from its children's, with the cluster's rollup rules, or the standard's default rules where it has none.
import type { RollupRule } from '@coursecast/api';
import { isLeaf, pathToRoot, type Activity } from './activity-tree.js';
import { preconditionFires, rollupRuleFires } from './rule-check.js';

type RollupAction = RollupRule['action'];

// RB.1.2b and RB.1.3a: the rules a cluster gets for an action it has no rule for.
const rule = (
  condition: RollupRule['conditions'][number]['condition'],
  action: RollupAction,
): RollupRule => ({
  childSet: 'all',
  minimumCount: 0,
  minimumPercent: 0,
  combination: 'any',
  conditions: [{ condition, not: false }],
  action,
});
const DEFAULT_RULES: Record<RollupAction, RollupRule> = {
  notSatisfied: rule('objectiveStatusKnown', 'notSatisfied'),
  satisfied: rule('satisfied', 'satisfied'),
  incomplete: rule('activityProgressKnown', 'incomplete'),
  completed: rule('completed', 'completed'),
};

/** Whether a child's status counts toward its parent's for the action (RB.1.4.2). */
function contributes(child: Activity, action: RollupAction): boolean {
  const s = child.seq;
  if (!s.tracked) return false;
  const objectiveAction = action === 'satisfied' || action === 'notSatisfied';
  if (objectiveAction ? !s.rollupObjectiveSatisfied : !s.rollupProgressCompletion) return false;
  const required = {
    satisfied: s.requiredForSatisfied,
    notSatisfied: s.requiredForNotSatisfied,
    completed: s.requiredForCompleted,
    incomplete: s.requiredForIncomplete,
  }[action];
  if (required === 'ifAttempted') return child.attemptCount > 0;
  if (required === 'ifNotSkipped') return !preconditionFires(child, ['skip']);
  if (required === 'ifNotSuspended') return !(child.attemptCount > 0 && child.suspended);
  return true;
}

function fires(a: Activity, action: RollupAction): boolean {
  const own = a.seq.rollupRules.filter((r) => r.action === action);
  const rules = own.length > 0 ? own : [DEFAULT_RULES[action]];
  const contributing = a.children.filter((c) => contributes(c, action));
  return rules.some((r) => rollupRuleFires(r, contributing));
}

/** RB.1.1: the weighted average of the tracked children's known measures. */
function rollupMeasure(a: Activity): void {
  let total = 0;
  let counted = 0;
  let known = false;
  for (const c of a.children) {
    if (!c.seq.tracked) continue;
    counted += c.seq.objectiveMeasureWeight;
    if (c.objective.measure !== null) {
      total += c.objective.measure * c.seq.objectiveMeasureWeight;
      known = true;
    }
  }
  a.objective.measure = known && counted > 0 ? total / counted : null;
}

/** RB.1.2: satisfaction by measure when the objective says so, else by rules (not-satisfied first). */
function rollupObjective(a: Activity): void {
  if (a.seq.satisfiedByMeasure) {
    const m = a.objective.measure;
    a.objective.satisfied = m === null ? null : m >= a.seq.minNormalizedMeasure;
    return;
  }
  if (isLeaf(a)) return;
  let satisfied: boolean | null = null;
  if (fires(a, 'notSatisfied')) satisfied = false;
  if (fires(a, 'satisfied')) satisfied = true;
  a.objective.satisfied = satisfied;
}

/** RB.1.3: completion by rules (incomplete first). */
function rollupProgress(a: Activity): void {
  let completed: boolean | null = null;
  if (fires(a, 'incomplete')) completed = false;
  if (fires(a, 'completed')) completed = true;
  a.completed = completed;
}

/** The overall rollup process (RB.1.5): from the activity up to the root. */
export function rollupFrom(activity: Activity): void {
  for (const a of pathToRoot(activity)) {
    if (isLeaf(a)) {
      rollupObjective(a);
      continue;
    }
    rollupMeasure(a);
    rollupObjective(a);
    rollupProgress(a);
  }
}
