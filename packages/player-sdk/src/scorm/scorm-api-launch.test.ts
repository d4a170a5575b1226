// What the LMS gives the runtime at launch (ScormApiOptions.initial) and how 2004 evaluates statuses from it.
import { describe, expect, it } from 'vitest';
import { createScorm12Api, createScorm2004Api } from './scorm-api.js';
import type { ScormSnapshot } from './scorm-message.js';

describe('what the LMS gives at launch', () => {
  it('seeds read-only launch data and a resumed attempt, which the SCO reads but cannot set', () => {
    const api = createScorm2004Api({
      initial: {
        'cmi.max_time_allowed': 'PT1H',
        'cmi.launch_data': 'lang=fr',
        'cmi.entry': 'resume',
        'cmi.suspend_data': 'page=7',
      },
    });
    api.Initialize('');
    expect(api.GetValue('cmi.max_time_allowed')).toBe('PT1H');
    expect(api.GetValue('cmi.launch_data')).toBe('lang=fr');
    expect(api.GetValue('cmi.entry')).toBe('resume');
    expect(api.GetValue('cmi.suspend_data')).toBe('page=7');
    expect(api.SetValue('cmi.launch_data', 'x')).toBe('false');
    expect(api.GetLastError()).toBe('404');
  });

  it('evaluates 2004 statuses against the thresholds it gave, whatever the SCO set (RTE 4.2.4.1, 4.2.22.1)', () => {
    const calls: ScormSnapshot[] = [];
    const api = createScorm2004Api({
      initial: { 'cmi.completion_threshold': '0.8', 'cmi.scaled_passing_score': '0.7' },
      onCall: (_call, s) => calls.push(s),
    });
    api.Initialize('');
    api.SetValue('cmi.completion_status', 'completed');
    expect(api.GetValue('cmi.completion_status')).toBe('unknown');
    api.SetValue('cmi.progress_measure', '0.9');
    api.SetValue('cmi.score.scaled', '0.5');
    expect([api.GetValue('cmi.completion_status'), api.GetValue('cmi.success_status')]).toEqual([
      'completed',
      'failed',
    ]);
    api.Terminate('');
    // What the learner's page hears is the evaluated status too.
    expect(calls[1]).toMatchObject({ completionStatus: 'completed', successStatus: 'failed' });
  });

  it('refuses to seed what is not a plain element of the edition: an LMS mistake, said where the launch is built', () => {
    expect(() => createScorm2004Api({ initial: { 'cmi.core.lesson_status': 'passed' } })).toThrow(
      /cmi\.core\.lesson_status is not a plain element of SCORM 2004/,
    );
    expect(() => createScorm12Api({ initial: { 'cmi.objectives.0.id': 'x' } })).toThrow(
      /not a plain element/,
    );
  });
});
