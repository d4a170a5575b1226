import { describe, expect, it } from 'vitest';
import type { LaunchVerdict } from './launch-message.js';
import { readLaunchVerdict } from './launch-message.js';
import { createLaunchWatch } from './launch-watch.js';

function watch(scorm: boolean) {
  const verdicts: LaunchVerdict[] = [];
  const w = createLaunchWatch({ scorm, onVerdict: (v) => verdicts.push(v) });
  return { w, verdicts };
}

describe('the launch watch', () => {
  it('judges a SCORM launch started at its initialize, once, whatever follows', () => {
    const { w, verdicts } = watch(true);
    w.apiRead();
    w.painted();
    expect(verdicts).toEqual([]);
    w.initialized();
    w.problem({ kind: 'script', message: 'late' });
    w.timeout();
    expect(verdicts).toEqual([{ type: 'coursecast.launch', v: 1, outcome: 'success' }]);
  });

  it('judges an HTML5 launch started at its first paint', () => {
    const { w, verdicts } = watch(false);
    w.painted();
    expect(verdicts.map((v) => v.outcome)).toEqual(['success']);
  });

  it.each([
    ['never read the API', [], 'api_not_found', undefined],
    ['read the API, never initialized', ['api'], 'no_initialize', undefined],
    ['a script error before it', ['api', 'script'], 'script_error', 'TypeError: x (a.js:1)'],
    [
      'a refused file, then the script error it caused',
      ['script', 'blocked'],
      'blocked_resource',
      'script-src refused https://cdn.example/jq.js',
    ],
  ] as const)('names the deepest cause when the deadline passes: %s', (_what, seen, reason, problem) => {
    const { w, verdicts } = watch(true);
    for (const s of seen) {
      if (s === 'api') w.apiRead();
      if (s === 'script') w.problem({ kind: 'script', message: 'TypeError: x (a.js:1)' });
      if (s === 'blocked')
        w.problem({ kind: 'blocked', message: 'script-src refused https://cdn.example/jq.js' });
    }
    w.timeout();
    expect(verdicts).toEqual([
      { type: 'coursecast.launch', v: 1, outcome: 'failed', reason, ...(problem && { problem }) },
    ]);
  });

  it('fails an HTML5 launch that never painted, and any launch whose document answered an HTTP error', () => {
    const html = watch(false);
    html.w.timeout();
    expect(html.verdicts[0]).toMatchObject({ outcome: 'failed', reason: 'no_paint' });
    const scorm = watch(true);
    scorm.w.httpError(404);
    scorm.w.initialized();
    expect(scorm.verdicts).toEqual([
      {
        type: 'coursecast.launch',
        v: 1,
        outcome: 'failed',
        reason: 'http_error',
        problem: 'the launch document answered HTTP 404',
      },
    ]);
  });

  it('keeps problems bounded: at most 20, each at most 256 characters', () => {
    const { w, verdicts } = watch(true);
    w.problem({ kind: 'script', message: 'x'.repeat(10_000) });
    for (let i = 0; i < 10_000; i++) w.problem({ kind: 'blocked', message: `b${i}` });
    w.timeout();
    // The 20 kept are the first: the script error and 19 refusals; the refusal is named.
    expect(verdicts[0]).toMatchObject({ reason: 'blocked_resource', problem: 'b0' });
  });
});

describe('reading a verdict the launch frame posted', () => {
  it('takes a well-formed one, cutting its problem to 256 characters and dropping other fields', () => {
    expect(
      readLaunchVerdict({
        type: 'coursecast.launch',
        v: 1,
        outcome: 'failed',
        reason: 'script_error',
        problem: 'p'.repeat(1000),
        extra: 'x',
      }),
    ).toEqual({
      type: 'coursecast.launch',
      v: 1,
      outcome: 'failed',
      reason: 'script_error',
      problem: 'p'.repeat(256),
    });
  });

  it('ignores other messages and refuses malformed ones', () => {
    expect(readLaunchVerdict('hello')).toBeUndefined();
    expect(readLaunchVerdict({ type: 'coursecast.scorm' })).toBeUndefined();
    expect(readLaunchVerdict({ type: 'coursecast.launch', v: 2, outcome: 'success' })).toBeNull();
    expect(readLaunchVerdict({ type: 'coursecast.launch', v: 1, outcome: 'maybe' })).toBeNull();
    expect(readLaunchVerdict({ type: 'coursecast.launch', v: 1, outcome: 'failed' })).toBeNull();
    expect(
      readLaunchVerdict({ type: 'coursecast.launch', v: 1, outcome: 'failed', reason: 'made_up' }),
    ).toBeNull();
  });
});
