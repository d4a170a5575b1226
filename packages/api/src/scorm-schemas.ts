import { z } from 'zod';

// A SCORM package's organization as the server reads it from imsmanifest.xml and the launch frame runs it: the
// activity tree (table of contents) and, for SCORM 2004, each activity's sequencing as IMS Simple Sequencing
// names it (SN book, 4th edition). Only what the manifest states is kept; the launch frame fills in the
// standard's defaults, so a 200-item course stays a few KiB.

/** Rollup rule conditions (SN 3.7.1; imsss:rollupCondition `condition`). */
export const ROLLUP_CONDITIONS = [
  'satisfied',
  'objectiveStatusKnown',
  'objectiveMeasureKnown',
  'completed',
  'activityProgressKnown',
  'attempted',
  'attemptLimitExceeded',
  'timeLimitExceeded',
  'outsideAvailableTimeRange',
] as const;
/** A rollup rule condition. */
export type RollupCondition = (typeof ROLLUP_CONDITIONS)[number];

/** Sequencing rule conditions (SN 3.4.3; imsss:ruleCondition `condition`): rollup's and three more. */
export const RULE_CONDITIONS = [
  ...ROLLUP_CONDITIONS,
  'objectiveMeasureGreaterThan',
  'objectiveMeasureLessThan',
  'always',
] as const;
/** A sequencing rule condition. */
export type RuleCondition = (typeof RULE_CONDITIONS)[number];

/** Actions of precondition, exit and postcondition rules (SN 3.4.4). */
export const RULE_ACTIONS = {
  pre: ['skip', 'disabled', 'hiddenFromChoice', 'stopForwardTraversal'],
  exit: ['exit'],
  post: ['exitParent', 'exitAll', 'retry', 'retryAll', 'continue', 'previous'],
} as const;

/** What a child's status counts for in rollup (adlseq:rollupConsiderations). */
export const ROLLUP_CONSIDERATIONS = ['always', 'ifAttempted', 'ifNotSkipped', 'ifNotSuspended'] as const;

const Combination = z.enum(['all', 'any']);
const Consideration = z.enum(ROLLUP_CONSIDERATIONS);

export const SequencingRuleSchema = z.object({
  combination: Combination,
  conditions: z.array(
    z.object({
      condition: z.enum(RULE_CONDITIONS),
      not: z.boolean(),
      /** A local objective's id; the primary objective when absent. */
      objective: z.string().optional(),
      measureThreshold: z.number().optional(),
    }),
  ),
  action: z.string(),
});
/** A precondition, exit or postcondition rule. */
export type SequencingRule = z.infer<typeof SequencingRuleSchema>;

export const RollupRuleSchema = z.object({
  childSet: z.enum(['all', 'any', 'none', 'atLeastCount', 'atLeastPercent']),
  minimumCount: z.number(),
  minimumPercent: z.number(),
  combination: Combination,
  conditions: z.array(z.object({ condition: z.enum(ROLLUP_CONDITIONS), not: z.boolean() })),
  action: z.enum(['satisfied', 'notSatisfied', 'completed', 'incomplete']),
});
/** A rollup rule. */
export type RollupRule = z.infer<typeof RollupRuleSchema>;

/** An activity's sequencing as the manifest states it: absent fields take the standard's defaults. */
export const SequencingSchema = z.object({
  choice: z.boolean().optional(),
  choiceExit: z.boolean().optional(),
  flow: z.boolean().optional(),
  forwardOnly: z.boolean().optional(),
  preConditionRules: z.array(SequencingRuleSchema).optional(),
  exitConditionRules: z.array(SequencingRuleSchema).optional(),
  postConditionRules: z.array(SequencingRuleSchema).optional(),
  /** Attempts allowed; absent: unlimited. */
  attemptLimit: z.number().int().positive().optional(),
  rollupRules: z.array(RollupRuleSchema).optional(),
  rollupObjectiveSatisfied: z.boolean().optional(),
  rollupProgressCompletion: z.boolean().optional(),
  objectiveMeasureWeight: z.number().optional(),
  requiredForSatisfied: Consideration.optional(),
  requiredForNotSatisfied: Consideration.optional(),
  requiredForCompleted: Consideration.optional(),
  requiredForIncomplete: Consideration.optional(),
  primaryObjective: z
    .object({
      id: z.string().optional(),
      satisfiedByMeasure: z.boolean(),
      minNormalizedMeasure: z.number(),
    })
    .optional(),
  /** The ids of the activity's other (local) objectives, which rule conditions may name. */
  objectives: z.array(z.string()).optional(),
  tracked: z.boolean().optional(),
  completionSetByContent: z.boolean().optional(),
  objectiveSetByContent: z.boolean().optional(),
});
/** An activity's sequencing (SCORM 2004). */
export type Sequencing = z.infer<typeof SequencingSchema>;

/** One activity: the organization (the root), an item with children (a cluster), or a launchable leaf. */
export interface ScormActivity {
  /** The item's (or organization's) identifier. */
  id: string;
  title: string;
  /** `isvisible`: false keeps the activity out of the table of contents. */
  visible: boolean;
  /**
   * What a leaf launches: its file's package path (decoded, as stored) and what to append to its URL (query
   * and/or fragment, starting with `?` or `#`); null for a cluster.
   */
  launch: { path: string; parameters: string | null } | null;
  /** CMI values the leaf starts with (launch data, mastery score, thresholds, time limit). */
  launchData?: Record<string, string>;
  sequencing?: Sequencing;
  children: ScormActivity[];
}

export const ScormActivitySchema: z.ZodType<ScormActivity> = z.object({
  id: z.string(),
  title: z.string(),
  visible: z.boolean(),
  launch: z.object({ path: z.string(), parameters: z.string().nullable() }).nullable(),
  launchData: z.record(z.string(), z.string()).optional(),
  sequencing: SequencingSchema.optional(),
  get children() {
    return z.array(ScormActivitySchema);
  },
});

/** An activity as the launch frame gets it (LaunchConfig.organization): a leaf's launch as a URL on the content origin. */
export interface LaunchActivity {
  id: string;
  title: string;
  visible: boolean;
  /** The leaf's launch URL on the content origin; null for a cluster. */
  url: string | null;
  launchData?: Record<string, string>;
  sequencing?: Sequencing;
  children: LaunchActivity[];
}
