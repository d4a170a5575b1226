// A resumed attempt: the LMS puts back what the package kept (suspend data, location, interactions) and hands
// every value of the attempt over at each commit and finish.
import { describe, expect, it } from 'vitest';
import { createScorm2004Api } from './scorm-api.js';

describe('SCORM attempt persistence', () => {
  it('restores kept values, arrays included, and hands the attempt values over at commit and finish', () => {
    const kept: [string, Record<string, string>][] = [];
    const api = createScorm2004Api({
      restored: {
        'cmi.suspend_data': 'page=3',
        'cmi.location': 'p3',
        'cmi.interactions.0.id': 'q1',
        'cmi.interactions.0.result': 'correct',
        'cmi.interactions.1.id': 'q2',
        'cmi.not_an_element': 'x',
      },
      initial: { 'cmi.entry': 'resume' },
      persist: (call, values) => kept.push([call, values]),
    });
    api.Initialize('');
    expect(api.GetValue('cmi.entry')).toBe('resume');
    expect(api.GetValue('cmi.suspend_data')).toBe('page=3');
    expect(api.GetValue('cmi.interactions._count')).toBe('2');
    expect(api.GetValue('cmi.interactions.0.result')).toBe('correct');
    expect(api.GetValue('cmi.not_an_element')).toBe('');
    // A new interaction goes after the restored ones.
    expect(api.SetValue('cmi.interactions.2.id', 'q3')).toBe('true');
    api.SetValue('cmi.suspend_data', 'page=4');
    api.Commit('');
    expect(kept).toHaveLength(1);
    expect(kept[0]![1]).toMatchObject({ 'cmi.suspend_data': 'page=4', 'cmi.interactions.2.id': 'q3' });
    api.SetValue('cmi.exit', 'suspend');
    api.Terminate('');
    expect(kept.map(([call]) => call)).toEqual(['commit', 'finish']);
    expect(kept[1]![1]['cmi.exit']).toBe('suspend');
  });
});
