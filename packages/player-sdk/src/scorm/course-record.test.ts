import type { LaunchActivity } from '@coursecast/api';
import { describe, expect, it } from 'vitest';
import { COURSE_STATE, courseValues, readCourseRecord } from './course-record.js';
import { createSequencer, type AttemptResult } from './sequencing/sequencer.js';

const leaf = (id: string): LaunchActivity => ({
  id,
  title: id,
  visible: true,
  url: `/${id}.html`,
  children: [],
});
const course: LaunchActivity = {
  id: 'org',
  title: 'Course',
  visible: true,
  url: null,
  children: [leaf('sco_1'), leaf('sco_2'), leaf('sco_3')],
  sequencing: { choice: true, flow: true },
};
const result = (o: Partial<AttemptResult> = {}): AttemptResult => ({
  completed: true,
  satisfied: null,
  measure: null,
  objectives: new Map(),
  suspend: false,
  ...o,
});

describe('a multi-SCO course kept as one attempt', () => {
  it('is suspended where the learner was, and a new launch resumes there with the statuses and resume data', () => {
    const seq = createSequencer(course, '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(result({ satisfied: true, measure: 0.8 }));
    seq.navigate({ kind: 'continue' });
    const saved = new Map([['sco_2', { 'cmi.suspend_data': 'step=3', 'cmi.location': 'p2' }]]);
    const values = courseValues('2004', seq, saved, true, 0);
    expect(values).toMatchObject({ 'cmi.completion_status': 'incomplete', 'cmi.exit': 'suspend' });
    expect(values['cmi.session_time']).toBeUndefined();

    const record = readCourseRecord(values);
    expect(record?.saved.get('sco_2')).toEqual({ 'cmi.suspend_data': 'step=3', 'cmi.location': 'p2' });
    const again = createSequencer(course, '2004');
    expect(again.restore(record!.snapshot)).toBe(true);
    expect(again.isValid({ kind: 'start' })).toBe(false);
    const resumed = again.navigate({ kind: 'resumeAll' });
    expect(resumed).toMatchObject({ type: 'deliver', resume: true, activity: { id: 'sco_2' } });
    // The resumed SCO's attempt continues (no new attempt); the first kept its result.
    const [first, second] = again.root.children;
    expect(second!.attemptCount).toBe(1);
    expect(first!.objective).toEqual({ satisfied: true, measure: 0.8 });
    expect(first!.completed).toBe(true);
  });

  it('rolls the course up into the edition’s status and score, and says when it is over', () => {
    const seq = createSequencer(course, '2004');
    seq.navigate({ kind: 'start' });
    for (let i = 0; i < 3; i++) {
      seq.endAttempt(result({ satisfied: true, measure: 0.9 }));
      seq.navigate({ kind: 'continue' });
    }
    const values = courseValues('2004', seq, new Map(), false, 125.5);
    expect(values).toMatchObject({
      'cmi.completion_status': 'completed',
      'cmi.success_status': 'passed',
      'cmi.score.scaled': '0.9',
      'cmi.exit': '',
      'cmi.session_time': 'PT125.5S',
    });

    const twelve = createSequencer(course, '1.2');
    twelve.navigate({ kind: 'start' });
    // One lesson of three failed so far: the course is in progress, its measure the average so far.
    twelve.endAttempt(result({ satisfied: false, measure: 0.4 }));
    expect(courseValues('1.2', twelve, new Map(), true, 0)).toMatchObject({
      'cmi.core.lesson_status': 'incomplete',
      'cmi.core.score.raw': '13.33',
    });
    for (let i = 0; i < 2; i++) {
      twelve.navigate({ kind: 'continue' });
      twelve.endAttempt(result({ satisfied: false, measure: 0.4 }));
    }
    expect(courseValues('1.2', twelve, new Map(), true, 0)).toMatchObject({
      'cmi.core.lesson_status': 'failed',
      'cmi.core.score.raw': '40',
      'cmi.core.score.max': '100',
      'cmi.core.exit': 'suspend',
    });
  });

  it('starts over from a state that is missing, unreadable, or names nothing the package has', () => {
    expect(readCourseRecord({})).toBeNull();
    expect(readCourseRecord({ [COURSE_STATE]: '{not json' })).toBeNull();
    expect(readCourseRecord({ [COURSE_STATE]: '{"s":{"v":2,"a":{}}}' })).toBeNull();
    const foreign = readCourseRecord({
      [COURSE_STATE]: JSON.stringify({
        s: { v: 1, at: 'gone', a: { gone: { n: 1, c: true, o: [true, 2] } } },
      }),
    });
    expect(foreign).not.toBeNull();
    const seq = createSequencer(course, '2004');
    expect(seq.restore(foreign!.snapshot)).toBe(false);
    expect(seq.navigate({ kind: 'start' })).toMatchObject({ type: 'deliver', activity: { id: 'sco_1' } });
  });
});
