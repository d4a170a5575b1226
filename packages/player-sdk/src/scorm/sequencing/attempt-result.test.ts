import { describe, expect, it } from 'vitest';
import { attemptResultOf } from './attempt-result.js';

const reader = (values: Record<string, string>) => (element: string) => values[element];

describe('attemptResultOf', () => {
  it('2004: completion, success, scaled score, reported objectives and suspension', () => {
    const r = attemptResultOf(
      '2004',
      reader({
        'cmi.completion_status': 'completed',
        'cmi.success_status': 'failed',
        'cmi.score.scaled': '0.35',
        'cmi.exit': 'suspend',
        'cmi.objectives.0.id': 'obj_a',
        'cmi.objectives.0.success_status': 'passed',
        'cmi.objectives.0.score.scaled': '1',
        'cmi.objectives.1.id': 'obj_b',
      }),
    );
    expect(r).toEqual({
      completed: true,
      satisfied: false,
      measure: 0.35,
      suspend: true,
      objectives: new Map([
        ['obj_a', { satisfied: true, measure: 1 }],
        ['obj_b', { satisfied: null, measure: null }],
      ]),
    });
  });

  it('2004: unknown stays unknown, "not attempted" is not completed, an out-of-range score is no measure', () => {
    expect(attemptResultOf('2004', reader({ 'cmi.score.scaled': '3' }))).toMatchObject({
      completed: null,
      satisfied: null,
      measure: null,
      suspend: false,
    });
    expect(attemptResultOf('2004', reader({ 'cmi.completion_status': 'not attempted' })).completed).toBe(
      false,
    );
  });

  it('1.2: lesson_status carries completion and success; the raw score over its range is the measure', () => {
    const passed = attemptResultOf(
      '1.2',
      reader({ 'cmi.core.lesson_status': 'passed', 'cmi.core.score.raw': '45', 'cmi.core.score.max': '50' }),
    );
    expect(passed).toMatchObject({ completed: true, satisfied: true, measure: 0.9 });
    expect(attemptResultOf('1.2', reader({ 'cmi.core.lesson_status': 'failed' }))).toMatchObject({
      completed: true,
      satisfied: false,
      measure: null,
    });
    expect(attemptResultOf('1.2', reader({ 'cmi.core.lesson_status': 'incomplete' })).completed).toBe(false);
    expect(attemptResultOf('1.2', reader({ 'cmi.core.exit': 'suspend' })).suspend).toBe(true);
  });
});
