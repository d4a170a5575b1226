// Condition evaluation for sequencing rules (SN UP.2) and rollup rules (RB.1.4): three-valued, as the
// standard has it: a condition on a status nobody knows yet is unknown, never false.
import type { RollupRule, SequencingRule } from '@coursecast/api';
import type { Activity, ObjectiveStatus } from './activity-tree.js';

/** true, false, or unknown (null). */
export type Tri = boolean | null;

const not = (v: Tri): Tri => (v === null ? null : !v);

function combine(values: readonly Tri[], combination: 'all' | 'any'): Tri {
  if (combination === 'all') {
    if (values.includes(false)) return false;
    return values.includes(null) ? null : true;
  }
  if (values.includes(true)) return true;
  return values.includes(null) ? null : false;
}

function objectiveOf(a: Activity, id: string | undefined): ObjectiveStatus {
  if (id === undefined || id === a.seq.primaryObjectiveId) return a.objective;
  return a.objectives.get(id) ?? { satisfied: null, measure: null };
}

const limitExceeded = (a: Activity): boolean =>
  a.seq.attemptLimit !== null && a.attemptCount >= a.seq.attemptLimit;

/** One condition on an activity. Time limits and availability windows are not tracked: never exceeded. */
export function evaluateCondition(a: Activity, condition: string, objective?: string, threshold = 0): Tri {
  const o = objectiveOf(a, objective);
  switch (condition) {
    case 'satisfied':
      return o.satisfied;
    case 'objectiveStatusKnown':
      return o.satisfied !== null;
    case 'objectiveMeasureKnown':
      return o.measure !== null;
    case 'objectiveMeasureGreaterThan':
      return o.measure === null ? null : o.measure > threshold;
    case 'objectiveMeasureLessThan':
      return o.measure === null ? null : o.measure < threshold;
    case 'completed':
      return a.completed;
    case 'activityProgressKnown':
      return a.completed !== null;
    case 'attempted':
      return a.attemptCount > 0;
    case 'attemptLimitExceeded':
      return limitExceeded(a);
    case 'always':
      return true;
    default:
      return false;
  }
}

/** Whether a sequencing rule fires on the activity (only a definite true does). */
export function ruleFires(a: Activity, rule: SequencingRule): boolean {
  const values = rule.conditions.map((c) => {
    const v = evaluateCondition(a, c.condition, c.objective, c.measureThreshold);
    return c.not ? not(v) : v;
  });
  return combine(values, rule.combination) === true;
}

/** The action of the first rule that fires among `rules`, limited to `actions`, or null. */
export function firstAction(
  a: Activity,
  rules: readonly SequencingRule[],
  actions: readonly string[],
): string | null {
  for (const rule of rules) if (actions.includes(rule.action) && ruleFires(a, rule)) return rule.action;
  return null;
}

/** Whether a precondition rule with one of `actions` fires on the activity. */
export const preconditionFires = (a: Activity, actions: readonly string[]): boolean =>
  firstAction(a, a.seq.preConditionRules, actions) !== null;

/** A rollup rule over the children that count for its action (RB.1.4). An empty set never fires. */
export function rollupRuleFires(rule: RollupRule, contributing: readonly Activity[]): boolean {
  if (contributing.length === 0) return false;
  const results = contributing.map((child) =>
    combine(
      rule.conditions.map((c) => {
        const v = evaluateCondition(child, c.condition);
        return c.not ? not(v) : v;
      }),
      rule.combination,
    ),
  );
  const trues = results.filter((r) => r === true).length;
  switch (rule.childSet) {
    case 'all':
      return trues === results.length;
    case 'any':
      return trues > 0;
    case 'none':
      return results.every((r) => r === false);
    case 'atLeastCount':
      return trues >= rule.minimumCount;
    case 'atLeastPercent':
      return trues / results.length >= rule.minimumPercent;
  }
}
