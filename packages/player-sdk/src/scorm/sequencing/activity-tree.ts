// The activity tree the launch frame sequences (SN book 4th ed., 2.1-3): each activity's sequencing with the
// standard's defaults filled in, and its tracking status, which the end of each attempt and rollup update.
import type { LaunchActivity, RollupRule, SequencingRule } from '@coursecast/api';

type Consideration = 'always' | 'ifAttempted' | 'ifNotSkipped' | 'ifNotSuspended';

/** An activity's sequencing definition, every field set. */
export interface SequencingDefinition {
  choice: boolean;
  choiceExit: boolean;
  flow: boolean;
  forwardOnly: boolean;
  preConditionRules: readonly SequencingRule[];
  exitConditionRules: readonly SequencingRule[];
  postConditionRules: readonly SequencingRule[];
  attemptLimit: number | null;
  rollupRules: readonly RollupRule[];
  rollupObjectiveSatisfied: boolean;
  rollupProgressCompletion: boolean;
  objectiveMeasureWeight: number;
  requiredForSatisfied: Consideration;
  requiredForNotSatisfied: Consideration;
  requiredForCompleted: Consideration;
  requiredForIncomplete: Consideration;
  satisfiedByMeasure: boolean;
  minNormalizedMeasure: number;
  primaryObjectiveId: string | null;
  tracked: boolean;
  completionSetByContent: boolean;
  objectiveSetByContent: boolean;
}

/** An objective's status: unknown until an attempt or rollup says. */
export interface ObjectiveStatus {
  satisfied: boolean | null;
  measure: number | null;
}

/** One activity and its tracking status. */
export interface Activity {
  readonly id: string;
  readonly title: string;
  readonly visible: boolean;
  readonly url: string | null;
  readonly launchData: Readonly<Record<string, string>>;
  readonly parent: Activity | null;
  readonly children: Activity[];
  readonly seq: SequencingDefinition;
  attemptCount: number;
  /** Delivered (or an ancestor of what is delivered) and its attempt not ended. */
  active: boolean;
  suspended: boolean;
  /** Completion of the current attempt: null while unknown. */
  completed: boolean | null;
  /** The primary objective. */
  objective: ObjectiveStatus;
  /** Local objectives a SCO reported (cmi.objectives), by id. */
  objectives: Map<string, ObjectiveStatus>;
}

/** The standard's defaults (SN 3.2-3.10); a SCORM 1.2 course, which has no sequencing, flows and reports itself. */
function definitionOf(a: LaunchActivity, edition: '1.2' | '2004'): SequencingDefinition {
  const s = a.sequencing ?? {};
  return {
    choice: s.choice ?? true,
    choiceExit: s.choiceExit ?? true,
    flow: s.flow ?? edition === '1.2',
    forwardOnly: s.forwardOnly ?? false,
    preConditionRules: s.preConditionRules ?? [],
    exitConditionRules: s.exitConditionRules ?? [],
    postConditionRules: s.postConditionRules ?? [],
    attemptLimit: s.attemptLimit ?? null,
    rollupRules: s.rollupRules ?? [],
    rollupObjectiveSatisfied: s.rollupObjectiveSatisfied ?? true,
    rollupProgressCompletion: s.rollupProgressCompletion ?? true,
    objectiveMeasureWeight: s.objectiveMeasureWeight ?? 1,
    requiredForSatisfied: s.requiredForSatisfied ?? 'always',
    requiredForNotSatisfied: s.requiredForNotSatisfied ?? 'always',
    requiredForCompleted: s.requiredForCompleted ?? 'always',
    requiredForIncomplete: s.requiredForIncomplete ?? 'always',
    satisfiedByMeasure: s.primaryObjective?.satisfiedByMeasure ?? false,
    minNormalizedMeasure: s.primaryObjective?.minNormalizedMeasure ?? 1,
    primaryObjectiveId: s.primaryObjective?.id ?? null,
    tracked: s.tracked ?? true,
    // A 1.2 SCO reports its own status (lesson_status): the LMS does not count an attempt as passed for it.
    completionSetByContent: s.completionSetByContent ?? edition === '1.2',
    objectiveSetByContent: s.objectiveSetByContent ?? edition === '1.2',
  };
}

/** Builds the tree from the launch config's organization, every status unknown. */
export function buildActivityTree(root: LaunchActivity, edition: '1.2' | '2004'): Activity {
  const build = (a: LaunchActivity, parent: Activity | null): Activity => {
    const activity: Activity = {
      id: a.id,
      title: a.title,
      visible: a.visible,
      url: a.children.length === 0 ? a.url : null,
      launchData: a.launchData ?? {},
      parent,
      children: [],
      seq: definitionOf(a, edition),
      attemptCount: 0,
      active: false,
      suspended: false,
      completed: null,
      objective: { satisfied: null, measure: null },
      objectives: new Map(),
    };
    activity.children.push(...a.children.map((c) => build(c, activity)));
    return activity;
  };
  return build(root, null);
}

/** A leaf: what is delivered to the learner. */
export const isLeaf = (a: Activity): boolean => a.children.length === 0;

/** The activity and its ancestors, the activity first. */
export function pathToRoot(a: Activity): Activity[] {
  const path: Activity[] = [];
  for (let x: Activity | null = a; x; x = x.parent) path.push(x);
  return path;
}

/** Every activity, depth first in tree order. */
export function preorder(root: Activity): Activity[] {
  const out: Activity[] = [];
  const walk = (a: Activity): void => {
    out.push(a);
    a.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** Finds an activity by its identifier. */
export function findActivity(root: Activity, id: string): Activity | undefined {
  return preorder(root).find((a) => a.id === id);
}
