import type { LaunchActivity, Sequencing } from '@coursecast/api';
import { describe, expect, it } from 'vitest';
import { createSequencer, parseNavRequest, type AttemptResult, type NavOutcome } from './sequencer.js';

const leaf = (id: string, sequencing?: Sequencing): LaunchActivity => ({
  id,
  title: id,
  visible: true,
  url: `/${id}.html`,
  children: [],
  ...(sequencing ? { sequencing } : {}),
});
const cluster = (id: string, children: LaunchActivity[], sequencing?: Sequencing): LaunchActivity => ({
  id,
  title: id,
  visible: true,
  url: null,
  children,
  ...(sequencing ? { sequencing } : {}),
});

const done = (o: Partial<AttemptResult> = {}): AttemptResult => ({
  completed: true,
  satisfied: null,
  measure: null,
  objectives: new Map(),
  suspend: false,
  ...o,
});
const delivered = (o: NavOutcome): string => (o.type === 'deliver' ? o.activity.id : o.type);

describe('parseNavRequest', () => {
  it('reads every request of RTE 4.4 and nothing else', () => {
    expect(parseNavRequest('continue')).toEqual({ kind: 'continue' });
    expect(parseNavRequest('suspendAll')).toEqual({ kind: 'suspendAll' });
    expect(parseNavRequest('{target=sco_3}choice')).toEqual({ kind: 'choice', target: 'sco_3' });
    expect(parseNavRequest('{target=x}jump')).toEqual({ kind: 'jump', target: 'x' });
    expect(parseNavRequest('_none_')).toBeNull();
    expect(parseNavRequest('continue ')).toBeNull();
    expect(parseNavRequest('{target=}choice')).toBeNull();
  });
});

describe('a flow-only course (choice off, flow on)', () => {
  const course = cluster(
    'org',
    Array.from({ length: 18 }, (_, i) => leaf(`sco_${i + 1}`)),
    { choice: false, flow: true },
  );

  it('starts at the first SCO and continues through all 18, then ends', () => {
    const seq = createSequencer(course, '2004');
    const seen = [delivered(seq.navigate({ kind: 'start' }))];
    for (let i = 0; i < 17; i++) {
      seq.endAttempt(done());
      seen.push(delivered(seq.navigate({ kind: 'continue' })));
    }
    expect(seen).toEqual(Array.from({ length: 18 }, (_, i) => `sco_${i + 1}`));
    seq.endAttempt(done());
    expect(seq.navigate({ kind: 'continue' })).toEqual({ type: 'end', reason: 'endOfCourse' });
    expect(seq.root.completed).toBe(true);
    expect(seq.ended).toBe(true);
  });

  it('refuses choice and previous at the start, and says why', () => {
    const seq = createSequencer(course, '2004');
    seq.navigate({ kind: 'start' });
    expect(seq.isValid({ kind: 'choice', target: 'sco_5' })).toBe(false);
    expect(seq.navigate({ kind: 'choice', target: 'sco_5' })).toMatchObject({
      type: 'invalid',
      reason: expect.stringContaining('does not allow choosing'),
    });
    expect(seq.isValid({ kind: 'previous' })).toBe(false);
    expect(seq.current?.id).toBe('sco_1');
  });

  it('knows which targets exist', () => {
    const seq = createSequencer(course, '2004');
    expect(seq.exists('sco_18')).toBe(true);
    expect(seq.exists('sco_19')).toBe(false);
    expect(seq.navigate({ kind: 'choice', target: 'sco_19' })).toMatchObject({
      type: 'invalid',
      reason: 'there is no activity "sco_19"',
    });
  });
});

describe('post-test rollup (ADL golf example)', () => {
  const content = {
    rollupObjectiveSatisfied: false,
    rollupProgressCompletion: false,
    objectiveMeasureWeight: 0,
  };
  const course = cluster(
    'org',
    [
      leaf('content_1', { ...content, completionSetByContent: true, objectiveSetByContent: true }),
      leaf('content_2', { ...content, completionSetByContent: true, objectiveSetByContent: true }),
      leaf('posttest', { completionSetByContent: true, objectiveSetByContent: true }),
    ],
    { choice: true, flow: true },
  );

  it('the post test alone decides satisfaction, completion and the score', () => {
    const seq = createSequencer(course, '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(done());
    seq.navigate({ kind: 'continue' });
    seq.endAttempt(done());
    expect(seq.root.completed).toBeNull();
    expect(seq.root.objective.satisfied).toBeNull();
    expect(delivered(seq.navigate({ kind: 'continue' }))).toBe('posttest');
    seq.endAttempt(done({ satisfied: false, measure: 0.4 }));
    expect(seq.root.objective).toEqual({ satisfied: false, measure: 0.4 });
    expect(seq.root.completed).toBe(true);
    // Retaking it: passing now flips the course.
    expect(delivered(seq.navigate({ kind: 'choice', target: 'posttest' }))).toBe('posttest');
    seq.endAttempt(done({ satisfied: true, measure: 0.9 }));
    expect(seq.root.objective).toEqual({ satisfied: true, measure: 0.9 });
  });

  it('failing content never fails the course', () => {
    const seq = createSequencer(course, '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(done({ satisfied: false }));
    expect(seq.root.objective.satisfied).toBeNull();
  });
});

describe('controls and rules', () => {
  it('choice-only (2004 default): nothing starts by itself, choice goes anywhere, continue is refused', () => {
    const seq = createSequencer(cluster('org', [leaf('a'), leaf('b')]), '2004');
    expect(seq.navigate({ kind: 'start' })).toEqual({ type: 'wait' });
    expect(delivered(seq.navigate({ kind: 'choice', target: 'b' }))).toBe('b');
    expect(seq.isValid({ kind: 'continue' })).toBe(false);
  });

  it('SCORM 1.2 courses flow and choose freely', () => {
    const seq = createSequencer(cluster('org', [leaf('a'), leaf('b')]), '1.2');
    expect(delivered(seq.navigate({ kind: 'start' }))).toBe('a');
    expect(delivered(seq.navigate({ kind: 'continue' }))).toBe('b');
    expect(delivered(seq.navigate({ kind: 'previous' }))).toBe('a');
  });

  it('skips what a precondition skips, and nests flow into clusters', () => {
    const skipIfDone: Sequencing = {
      preConditionRules: [
        { combination: 'all', conditions: [{ condition: 'completed', not: false }], action: 'skip' },
      ],
    };
    const course = cluster(
      'org',
      [leaf('intro'), cluster('m1', [leaf('m1a'), leaf('m1b', skipIfDone)], { flow: true }), leaf('end')],
      { flow: true },
    );
    const seq = createSequencer(course, '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(done());
    expect(delivered(seq.navigate({ kind: 'continue' }))).toBe('m1a');
    seq.endAttempt(done());
    expect(delivered(seq.navigate({ kind: 'continue' }))).toBe('m1b');
    seq.endAttempt(done());
    expect(delivered(seq.navigate({ kind: 'continue' }))).toBe('end');
    seq.endAttempt(done());
    // Going back: m1b is completed, so skipped; m1a is next.
    expect(delivered(seq.navigate({ kind: 'previous' }))).toBe('m1a');
  });

  it('forwardOnly refuses going back; an attempt limit disables a second try', () => {
    const course = cluster('org', [leaf('a'), leaf('quiz', { attemptLimit: 1 })], {
      flow: true,
      forwardOnly: true,
    });
    const seq = createSequencer(course, '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(done());
    expect(delivered(seq.navigate({ kind: 'continue' }))).toBe('quiz');
    expect(seq.isValid({ kind: 'previous' })).toBe(false);
    seq.endAttempt(done({ satisfied: false }));
    seq.navigate({ kind: 'exit' });
    expect(seq.navigate({ kind: 'choice', target: 'quiz' })).toMatchObject({
      type: 'invalid',
      reason: expect.stringContaining('1 attempt'),
    });
  });

  it('a postcondition "retry" redelivers a failed test; "exitAll" ends the course', () => {
    const retryIfFailed: Sequencing = {
      postConditionRules: [
        { combination: 'all', conditions: [{ condition: 'satisfied', not: true }], action: 'retry' },
        { combination: 'all', conditions: [{ condition: 'satisfied', not: false }], action: 'exitAll' },
      ],
    };
    const seq = createSequencer(cluster('org', [leaf('test', retryIfFailed)], { flow: true }), '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(done({ satisfied: false }));
    expect(delivered(seq.navigate({ kind: 'exit' }))).toBe('test');
    expect(seq.current?.attemptCount).toBe(2);
    seq.endAttempt(done({ satisfied: true }));
    expect(seq.navigate({ kind: 'exit' })).toEqual({ type: 'end', reason: 'exitAll' });
  });

  it('suspendAll ends the session; resumeAll brings back the same attempt', () => {
    const seq = createSequencer(cluster('org', [leaf('a'), leaf('b')], { flow: true }), '2004');
    seq.navigate({ kind: 'start' });
    seq.navigate({ kind: 'continue' });
    expect(seq.navigate({ kind: 'suspendAll' })).toEqual({ type: 'end', reason: 'suspendAll' });
    expect(seq.isValid({ kind: 'continue' })).toBe(false);
    const resumed = seq.navigate({ kind: 'resumeAll' });
    expect(resumed).toMatchObject({ type: 'deliver', resume: true });
    expect(delivered(resumed)).toBe('b');
    expect(seq.current?.attemptCount).toBe(1);
  });

  it('default rollup: the course is satisfied only when every child is, not satisfied once all are known', () => {
    const seq = createSequencer(cluster('org', [leaf('a'), leaf('b')], { flow: true }), '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(done({ satisfied: true, measure: 1 }));
    expect(seq.root.objective.satisfied).toBeNull();
    seq.navigate({ kind: 'continue' });
    seq.endAttempt(done({ satisfied: false, measure: 0.5 }));
    expect(seq.root.objective).toEqual({ satisfied: false, measure: 0.75 });
  });

  it('rollup rules: atLeastCount satisfied', () => {
    const course = cluster('org', [leaf('a'), leaf('b'), leaf('c')], {
      flow: true,
      rollupRules: [
        {
          childSet: 'atLeastCount',
          minimumCount: 2,
          minimumPercent: 0,
          combination: 'any',
          conditions: [{ condition: 'satisfied', not: false }],
          action: 'satisfied',
        },
      ],
    });
    const seq = createSequencer(course, '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(done({ satisfied: true }));
    seq.navigate({ kind: 'continue' });
    seq.endAttempt(done({ satisfied: true }));
    expect(seq.root.objective.satisfied).toBe(true);
  });

  it('completion set by the LMS when content does not set it (completionSetByContent false)', () => {
    const seq = createSequencer(cluster('org', [leaf('a')], { flow: true }), '2004');
    seq.navigate({ kind: 'start' });
    seq.endAttempt(done({ completed: null }));
    expect(seq.root.completed).toBe(true);
  });
});
