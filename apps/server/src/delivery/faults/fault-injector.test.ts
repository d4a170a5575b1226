import { describe, expect, it } from 'vitest';
import { createFaultInjector, FaultRulesBody, type FaultRule } from './fault-injector.js';

function injector(rules: FaultRule[]) {
  const faults = createFaultInjector();
  faults.replace(rules);
  return faults;
}

describe('createFaultInjector', () => {
  it('matches nothing while empty', () => {
    expect(createFaultInjector().take('/media/itm_1/v1/master.m3u8')).toBeNull();
  });

  it('matches a substring of the path and answers the rule’s delay and status', () => {
    const faults = injector([{ match: '.ts', status: 500 }]);
    expect(faults.take('/media/itm_1/v1/360p/seg_00001.ts')).toEqual({
      delayMs: 0,
      status: 500,
      kind: 'status',
      message: 'test fault: paths containing ".ts" answer 500',
    });
    expect(faults.take('/media/itm_1/v1/360p/index.m3u8')).toBeNull();
  });

  it('applies a rule `times` times, then lets requests through', () => {
    const faults = injector([{ match: 'master.m3u8', status: 404, times: 2 }]);
    const path = '/media/itm_1/v1/master.m3u8';
    expect([faults.take(path), faults.take(path), faults.take(path)].map((f) => f?.status ?? null)).toEqual([
      404,
      404,
      null,
    ]);
    expect(faults.list()).toEqual([{ match: 'master.m3u8', status: 404, times: 2, fired: 2 }]);
  });

  it('lets the first matching rule with budget left win, then falls through to the next', () => {
    const faults = injector([
      { match: 'seg_00003', status: 503, times: 1 },
      { match: '.ts', delayMs: 100 },
    ]);
    const path = '/media/itm_1/v1/360p/seg_00003.ts';
    expect(faults.take(path)).toMatchObject({ status: 503, delayMs: 0 });
    expect(faults.take(path)).toMatchObject({ status: null, delayMs: 100, kind: 'delay' });
    expect(faults.take('/media/itm_1/v1/360p/seg_00004.ts')).toMatchObject({ delayMs: 100 });
    expect(faults.list().map((r) => r.fired)).toEqual([1, 2]);
  });

  it('keeps delay and status of one rule together', () => {
    const faults = injector([{ match: 'x', delayMs: 250, status: 502 }]);
    expect(faults.take('/x')).toMatchObject({ delayMs: 250, status: 502, kind: 'status' });
  });

  it('resets counts on replace and forgets everything on clear', () => {
    const faults = injector([{ match: 'a', status: 500, times: 1 }]);
    faults.take('/a');
    expect(faults.take('/a')).toBeNull();
    faults.replace([{ match: 'a', status: 500, times: 1 }]);
    expect(faults.take('/a')).not.toBeNull();
    faults.clear();
    expect(faults.list()).toEqual([]);
    expect(faults.take('/a')).toBeNull();
  });

  it('does not share state with the rules it was given', () => {
    const rules: FaultRule[] = [{ match: 'a', status: 500 }];
    const faults = injector(rules);
    rules[0]!.match = 'b';
    expect(faults.take('/a')).not.toBeNull();
  });
});

describe('FaultRulesBody', () => {
  const issues = (body: unknown): string[] => {
    const r = FaultRulesBody.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };

  it('accepts status, delay, both, and a budget', () => {
    expect(
      issues({
        rules: [
          { match: 'master.m3u8', status: 404, times: 2 },
          { match: '.ts', delayMs: 2000 },
          { match: '/seg_00003.ts', delayMs: 0, status: 503 },
        ],
      }),
    ).toEqual([]);
    expect(issues({ rules: [] })).toEqual([]);
  });

  it('names the invalid field', () => {
    expect(issues({ rules: [{ match: 'a', delayMs: 60_001 }] })).toEqual(['rules.0.delayMs']);
    expect(issues({ rules: [{ match: 'a', status: 200 }] })).toEqual(['rules.0.status']);
    expect(issues({ rules: [{ match: 'a', status: 500, times: 0 }] })).toEqual(['rules.0.times']);
    expect(issues({ rules: [{ match: '', status: 500 }] })).toEqual(['rules.0.match']);
    expect(issues({ rules: [{ match: 'a', status: 500, other: 1 }] })).toEqual(['rules.0']);
    expect(issues({ rules: [{ match: 'a' }] })).toEqual(['rules.0']);
    expect(issues({})).toEqual(['rules']);
  });
});
