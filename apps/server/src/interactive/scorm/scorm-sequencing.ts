// An item's SCORM 2004 sequencing (imsss and adlseq elements) read into the stored form the launch frame runs
// (`Sequencing` of @coursecast/api): only what the manifest states, so defaults stay the standard's. A value
// the schema does not allow is dropped with a warning, as an LMS ignores what it cannot apply; a rule with an
// unknown condition or action is dropped whole, since half a rule would do something else.
import {
  ROLLUP_CONDITIONS,
  ROLLUP_CONSIDERATIONS,
  RULE_ACTIONS,
  RULE_CONDITIONS,
  type RollupRule,
  type Sequencing,
  type SequencingRule,
} from '@coursecast/api';
import { primaryObjectiveOf } from './scorm-launch-data.js';
import { attr, child, children, textOf, type XmlNode } from './scorm-xml.js';

type Warn = (message: string) => void;

const ROLLUP_ACTIONS = ['satisfied', 'notSatisfied', 'completed', 'incomplete'] as const;
const CHILD_SETS = ['all', 'any', 'none', 'atLeastCount', 'atLeastPercent'] as const;

const oneOf = <T extends string>(values: readonly T[], v: string | null): T | undefined =>
  v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;

function bool(node: XmlNode | undefined, name: string): boolean | undefined {
  const v = attr(node, name);
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

function decimal(v: string | null, min: number, max: number): number | undefined {
  if (v === null || !/^-?\d+(\.\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

function sequencingRule(
  rule: XmlNode,
  actions: readonly string[],
  where: string,
  warn: Warn,
): SequencingRule | null {
  const conditionsNode = child(rule, 'ruleConditions');
  const action = attr(child(rule, 'ruleAction'), 'action');
  const conditions: SequencingRule['conditions'] = [];
  for (const c of children(conditionsNode, 'ruleCondition')) {
    const condition = oneOf(RULE_CONDITIONS, attr(c, 'condition'));
    if (!condition) {
      warn(`${where}: rule condition "${attr(c, 'condition') ?? ''}" is not SCORM's; the rule is ignored`);
      return null;
    }
    const objective = attr(c, 'referencedObjective');
    const threshold = decimal(attr(c, 'measureThreshold'), -1, 1);
    conditions.push({
      condition,
      not: attr(c, 'operator') === 'not',
      ...(objective ? { objective } : {}),
      ...(threshold !== undefined ? { measureThreshold: threshold } : {}),
    });
  }
  if (!action || !actions.includes(action)) {
    warn(`${where}: rule action "${action ?? ''}" is not one of ${actions.join(', ')}; the rule is ignored`);
    return null;
  }
  const combination = attr(conditionsNode, 'conditionCombination') === 'any' ? 'any' : 'all';
  return { combination, conditions, action };
}

function rollupRule(rule: XmlNode, where: string, warn: Warn): RollupRule | null {
  const conditionsNode = child(rule, 'rollupConditions');
  const action = oneOf(ROLLUP_ACTIONS, attr(child(rule, 'rollupAction'), 'action'));
  const conditions: RollupRule['conditions'] = [];
  for (const c of children(conditionsNode, 'rollupCondition')) {
    const condition = oneOf(ROLLUP_CONDITIONS, attr(c, 'condition'));
    if (!condition) {
      warn(`${where}: rollup condition "${attr(c, 'condition') ?? ''}" is not SCORM's; the rule is ignored`);
      return null;
    }
    conditions.push({ condition, not: attr(c, 'operator') === 'not' });
  }
  if (!action) {
    warn(`${where}: a rollup rule without a SCORM rollup action is ignored`);
    return null;
  }
  return {
    childSet: oneOf(CHILD_SETS, attr(rule, 'childActivitySet')) ?? 'all',
    minimumCount: Math.max(0, Math.trunc(Number(attr(rule, 'minimumCount') ?? 0)) || 0),
    minimumPercent: decimal(attr(rule, 'minimumPercent'), 0, 1) ?? 0,
    // The schema's default differs from sequencing rules': rollup conditions combine with "any".
    combination: attr(conditionsNode, 'conditionCombination') === 'all' ? 'all' : 'any',
    conditions,
    action,
  };
}

function rulesOf(
  node: XmlNode | undefined,
  element: string,
  actions: readonly string[],
  where: string,
  warn: Warn,
): SequencingRule[] | undefined {
  const rules = children(node, element)
    .map((r) => sequencingRule(r, actions, where, warn))
    .filter((r): r is SequencingRule => r !== null);
  return rules.length > 0 ? rules : undefined;
}

/** Drops the keys whose value is undefined, so the stored JSON says only what the manifest said. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The sequencing an item runs with: its `<imsss:sequencing>`, on top of the sequencingCollection entry its
 * `IDRef` names (the item's own elements win, element by element, as SN 3.1 has it).
 */
export function effectiveSequencingNode(
  own: XmlNode | undefined,
  collection: ReadonlyMap<string, XmlNode>,
  where: string,
  warn: Warn,
): XmlNode | undefined {
  const ref = attr(own, 'IDRef');
  if (!ref) return own;
  const shared = collection.get(ref);
  if (!shared) {
    warn(`${where}: sequencing IDRef "${ref}" names no sequencingCollection entry; it is ignored`);
    return own;
  }
  return { ...shared, ...Object.fromEntries(Object.entries(own ?? {}).filter(([k]) => !k.startsWith('@_'))) };
}

/** Reads a (merged) `<imsss:sequencing>` into the stored form; undefined when it states nothing. */
export function readSequencing(node: XmlNode | undefined, where: string, warn: Warn): Sequencing | undefined {
  if (!node) return undefined;
  const mode = child(node, 'controlMode');
  const rules = child(node, 'sequencingRules');
  const rollup = child(node, 'rollupRules');
  const delivery = child(node, 'deliveryControls');
  const considerations = child(node, 'rollupConsiderations');
  const consideration = (name: string) => oneOf(ROLLUP_CONSIDERATIONS, attr(considerations, name));
  const limit = attr(child(node, 'limitConditions'), 'attemptLimit');
  const attemptLimit = limit !== null && /^\d+$/.test(limit) && Number(limit) > 0 ? Number(limit) : undefined;
  const primary = primaryObjectiveOf(node);
  const primaryId = attr(primary, 'objectiveID');
  const objectives = children(node, 'objectives')
    .flatMap((o) => children(o, 'objective'))
    .map((o) => attr(o, 'objectiveID'))
    .filter((id): id is string => id !== null);
  const rollupRules = children(rollup, 'rollupRule')
    .map((r) => rollupRule(r, where, warn))
    .filter((r): r is RollupRule => r !== null);
  const sequencing: Sequencing = defined({
    choice: bool(mode, 'choice'),
    choiceExit: bool(mode, 'choiceExit'),
    flow: bool(mode, 'flow'),
    forwardOnly: bool(mode, 'forwardOnly'),
    preConditionRules: rulesOf(rules, 'preConditionRule', RULE_ACTIONS.pre, where, warn),
    exitConditionRules: rulesOf(rules, 'exitConditionRule', RULE_ACTIONS.exit, where, warn),
    postConditionRules: rulesOf(rules, 'postConditionRule', RULE_ACTIONS.post, where, warn),
    attemptLimit,
    rollupRules: rollupRules.length > 0 ? rollupRules : undefined,
    rollupObjectiveSatisfied: bool(rollup, 'rollupObjectiveSatisfied'),
    rollupProgressCompletion: bool(rollup, 'rollupProgressCompletion'),
    objectiveMeasureWeight: decimal(attr(rollup, 'objectiveMeasureWeight'), 0, 1),
    requiredForSatisfied: consideration('requiredForSatisfied'),
    requiredForNotSatisfied: consideration('requiredForNotSatisfied'),
    requiredForCompleted: consideration('requiredForCompleted'),
    requiredForIncomplete: consideration('requiredForIncomplete'),
    primaryObjective: primary
      ? defined({
          id: primaryId ?? undefined,
          satisfiedByMeasure: attr(primary, 'satisfiedByMeasure') === 'true',
          minNormalizedMeasure: decimal(textOf(primary.minNormalizedMeasure), -1, 1) ?? 1,
        })
      : undefined,
    objectives: objectives.length > 0 ? objectives : undefined,
    tracked: bool(delivery, 'tracked'),
    completionSetByContent: bool(delivery, 'completionSetByContent'),
    objectiveSetByContent: bool(delivery, 'objectiveSetByContent'),
  });
  return Object.keys(sequencing).length > 0 ? sequencing : undefined;
}
