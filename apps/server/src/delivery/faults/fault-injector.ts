import { TEST_FAULT_KINDS, type TestFaultKind } from '@coursecast/semconv';
import { z } from 'zod';

/**
 * Test-only fault rules for the edge (`testing.faults`, COURSECAST_TEST_FAULTS=1). Player truth tests use
 * them to make a real server fail or stall chosen requests: a playlist 404 twice, every segment 500, one
 * segment late. Never enabled in production: with the flag off no injector exists and the edge pays one
 * null check.
 */

/** Longest delay a rule may ask for: beyond a minute a player test is testing its own timeout. */
export const MAX_FAULT_DELAY_MS = 60_000;
/** Rules in one set: plenty for a test, and the linear scan stays trivial. */
export const MAX_FAULT_RULES = 100;

export const FaultRuleSchema = z
  .strictObject({
    /** Substring of the request path (no query): `master.m3u8`, `/seg_00003.ts`, `.ts`. */
    match: z.string().min(1).max(1024),
    /** Answer this status with a JSON error body instead of serving. */
    status: z.number().int().min(400).max(599).optional(),
    /** Wait this long first; then serve normally, or fail when `status` is set too. */
    delayMs: z.number().int().min(0).max(MAX_FAULT_DELAY_MS).optional(),
    /** Apply to the first N matching requests only; unlimited when absent. */
    times: z.number().int().min(1).optional(),
  })
  .refine((r) => r.status !== undefined || r.delayMs !== undefined, {
    message: 'a rule needs status, delayMs or both',
  });
export type FaultRule = z.output<typeof FaultRuleSchema>;

/** The body of `PUT /api/test/faults`. */
export const FaultRulesBody = z.strictObject({ rules: z.array(FaultRuleSchema).max(MAX_FAULT_RULES) });

/** What a matching rule does to one request. */
export interface Fault {
  /** Milliseconds to wait before answering (0: none). */
  readonly delayMs: number;
  /** Status to fail with after the delay; null: serve normally. */
  readonly status: number | null;
  /** `coursecast.test.fault` on the request's span. */
  readonly kind: TestFaultKind;
  /** The error body's message when `status` is set. */
  readonly message: string;
}

/** A rule as listed: what was asked, and how many requests it has changed. */
export type FaultRuleState = FaultRule & { fired: number };

/** The current rule set; the edge consults it once per request. */
export interface FaultInjector {
  /** The fault for a request path, counted against its rule's budget; null when no rule applies. */
  take(path: string): Fault | null;
  /** Replaces every rule (and resets the counts). */
  replace(rules: readonly FaultRule[]): void;
  list(): FaultRuleState[];
  clear(): void;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly fault: Fault;
  readonly times: number;
  fired: number;
}

/** Creates an empty injector; rules arrive through `replace` (the test routes). */
export function createFaultInjector(): FaultInjector {
  let active: ActiveRule[] = [];
  return {
    take(path) {
      // First matching rule with budget left wins, so a test can stack "the first 2 fail" over "all slow".
      for (const r of active) {
        if (r.fired >= r.times || !path.includes(r.rule.match)) continue;
        r.fired++;
        return r.fault;
      }
      return null;
    },
    replace(rules) {
      active = rules.map((rule) => ({
        rule: { ...rule },
        fault: {
          delayMs: rule.delayMs ?? 0,
          status: rule.status ?? null,
          kind: rule.status === undefined ? TEST_FAULT_KINDS.delay : TEST_FAULT_KINDS.status,
          message:
            rule.status === undefined
              ? ''
              : `test fault: paths containing "${rule.match}" answer ${rule.status}`,
        },
        times: rule.times ?? Number.POSITIVE_INFINITY,
        fired: 0,
      }));
    },
    list() {
      return active.map((r) => ({ ...r.rule, fired: r.fired }));
    },
    clear() {
      active = [];
    },
  };
}
