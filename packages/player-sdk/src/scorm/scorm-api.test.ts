import { describe, expect, it } from 'vitest';
import { createScorm12Api, createScorm2004Api, type ScormApiOptions } from './scorm-api.js';
import type { ScormCall, ScormSnapshot } from './scorm-message.js';

/** An API of each edition with the calls it reported. */
function rig(options: ScormApiOptions = {}) {
  const calls: [ScormCall, ScormSnapshot][] = [];
  const onCall = (call: ScormCall, s: ScormSnapshot) => calls.push([call, s]);
  return {
    api12: createScorm12Api({ ...options, onCall }),
    api04: createScorm2004Api({ ...options, onCall }),
    calls,
  };
}

describe('SCORM 1.2 API', () => {
  it('runs a session: initialize, set and get, commit, finish, each reported with the status', () => {
    const { api12: api, calls } = rig({ learnerId: 'u_42', learnerName: 'Doe, Jane' });
    expect(api.LMSInitialize('')).toBe('true');
    expect(api.LMSGetLastError()).toBe('0');
    expect(api.LMSGetValue('cmi.core.student_id')).toBe('u_42');
    expect(api.LMSGetValue('cmi.core.student_name')).toBe('Doe, Jane');
    expect(api.LMSGetValue('cmi.core.lesson_status')).toBe('not attempted');
    expect(api.LMSGetValue('cmi.core.entry')).toBe('ab-initio');
    expect(api.LMSGetValue('cmi.core.lesson_mode')).toBe('normal');
    expect(api.LMSGetValue('cmi.core.credit')).toBe('credit');
    expect(api.LMSGetValue('cmi._version')).toBe('3.4');
    expect(api.LMSGetValue('cmi.suspend_data')).toBe('');
    expect(api.LMSGetLastError()).toBe('0');

    expect(api.LMSSetValue('cmi.core.lesson_status', 'incomplete')).toBe('true');
    expect(api.LMSSetValue('cmi.core.lesson_location', 'page-3')).toBe('true');
    expect(api.LMSSetValue('cmi.suspend_data', 'a=1;b=2')).toBe('true');
    expect(api.LMSGetValue('cmi.core.lesson_location')).toBe('page-3');
    expect(api.LMSGetValue('cmi.suspend_data')).toBe('a=1;b=2');
    expect(api.LMSCommit('')).toBe('true');

    expect(api.LMSSetValue('cmi.core.score.raw', 80)).toBe('true'); // a number, as packages pass
    expect(api.LMSSetValue('cmi.core.score.min', '0')).toBe('true');
    expect(api.LMSSetValue('cmi.core.score.max', '100')).toBe('true');
    expect(api.LMSSetValue('cmi.core.lesson_status', 'passed')).toBe('true');
    expect(api.LMSSetValue('cmi.core.session_time', '0000:12:30.5')).toBe('true');
    expect(api.LMSSetValue('cmi.core.exit', 'logout')).toBe('true');
    expect(api.LMSFinish('')).toBe('true');

    expect(calls).toEqual([
      [
        'initialize',
        {
          version: '1.2',
          completionStatus: 'not_attempted',
          successStatus: 'unknown',
          lessonStatus: 'not_attempted',
        },
      ],
      [
        'commit',
        {
          version: '1.2',
          completionStatus: 'incomplete',
          successStatus: 'unknown',
          lessonStatus: 'incomplete',
          location: 'page-3',
        },
      ],
      [
        'finish',
        {
          version: '1.2',
          completionStatus: 'completed',
          successStatus: 'passed',
          lessonStatus: 'passed',
          scoreScaled: 0.8,
          sessionTimeS: 750.5,
          location: 'page-3',
        },
      ],
    ]);
  });

  it.each([
    ['passed', 'completed', 'passed'],
    ['completed', 'completed', 'unknown'],
    ['failed', 'completed', 'failed'],
    ['incomplete', 'incomplete', 'unknown'],
    ['browsed', 'not_attempted', 'unknown'],
  ])('maps lesson_status %s to completion %s and success %s', (status, completion, success) => {
    const { api12: api, calls } = rig();
    api.LMSInitialize('');
    api.LMSSetValue('cmi.core.lesson_status', status);
    api.LMSCommit('');
    expect(calls[1]![1]).toMatchObject({
      completionStatus: completion,
      successStatus: success,
      lessonStatus: status,
    });
  });

  it('scales the raw score by min and max, 0..100 by default, and leaves out one outside them', () => {
    const { api12: api, calls } = rig();
    api.LMSInitialize('');
    api.LMSSetValue('cmi.core.score.raw', '45');
    api.LMSCommit('');
    api.LMSSetValue('cmi.core.score.min', '40');
    api.LMSSetValue('cmi.core.score.max', '50');
    api.LMSCommit('');
    api.LMSSetValue('cmi.core.score.raw', '60');
    api.LMSCommit('');
    api.LMSSetValue('cmi.core.score.raw', '');
    api.LMSCommit('');
    expect(calls.slice(1).map(([, s]) => s.scoreScaled)).toEqual([0.45, 0.5, undefined, undefined]);
  });

  it('answers 301 outside a session, 101 to a second initialize, and refuses a new session after finish', () => {
    const { api12: api, calls } = rig();
    expect(api.LMSGetValue('cmi.core.lesson_status')).toBe('');
    expect(api.LMSGetLastError()).toBe('301');
    expect(api.LMSSetValue('cmi.core.lesson_status', 'passed')).toBe('false');
    expect(api.LMSGetLastError()).toBe('301');
    expect(api.LMSCommit('')).toBe('false');
    expect(api.LMSFinish('')).toBe('false');
    expect(api.LMSGetLastError()).toBe('301');
    expect(api.LMSInitialize('x')).toBe('false');
    expect(api.LMSGetLastError()).toBe('201');

    expect(api.LMSInitialize()).toBe('true'); // no parameter at all, as some packages call it
    expect(api.LMSInitialize('')).toBe('false');
    expect(api.LMSGetLastError()).toBe('101');
    expect(api.LMSCommit('x')).toBe('false');
    expect(api.LMSGetLastError()).toBe('201');
    expect(api.LMSFinish('')).toBe('true');

    expect(api.LMSGetValue('cmi.core.lesson_status')).toBe('');
    expect(api.LMSGetLastError()).toBe('301');
    expect(api.LMSFinish('')).toBe('false');
    expect(api.LMSInitialize('')).toBe('false');
    expect(api.LMSGetLastError()).toBe('101');
    expect(calls.map(([c]) => c)).toEqual(['initialize', 'finish']);
  });

  it('refuses read-only, write-only, keywords, bad vocabulary and bad types with 1.2 codes', () => {
    const { api12: api } = rig();
    api.LMSInitialize('');
    const err = (result: string) => [result, api.LMSGetLastError()];
    expect(err(api.LMSSetValue('cmi.core.student_id', 'x'))).toEqual(['false', '403']);
    expect(err(api.LMSSetValue('cmi.core.credit', 'no-credit'))).toEqual(['false', '403']);
    expect(err(api.LMSSetValue('cmi._version', '4'))).toEqual(['false', '402']);
    expect(err(api.LMSSetValue('cmi.core._children', 'x'))).toEqual(['false', '402']);
    expect(err(api.LMSSetValue('cmi.interactions._count', '3'))).toEqual(['false', '402']);
    expect(err(api.LMSGetValue('cmi.core.exit'))).toEqual(['', '404']);
    expect(err(api.LMSGetValue('cmi.core.session_time'))).toEqual(['', '404']);
    expect(err(api.LMSSetValue('cmi.core.lesson_status', 'done'))).toEqual(['false', '405']);
    // Only the LMS starts a lesson at "not attempted".
    expect(err(api.LMSSetValue('cmi.core.lesson_status', 'not attempted'))).toEqual(['false', '405']);
    expect(err(api.LMSSetValue('cmi.core.exit', 'normal'))).toEqual(['false', '405']);
    expect(err(api.LMSSetValue('cmi.core.score.raw', 'ninety'))).toEqual(['false', '405']);
    expect(err(api.LMSSetValue('cmi.core.score.raw', '101'))).toEqual(['false', '405']);
    expect(err(api.LMSSetValue('cmi.core.session_time', 'PT1M'))).toEqual(['false', '405']);
    expect(err(api.LMSSetValue('cmi.core.lesson_location', { page: 3 }))).toEqual(['false', '405']);
    expect(err(api.LMSSetValue('cmi.student_preference.audio', '101'))).toEqual(['false', '405']);
    expect(err(api.LMSGetValue('cmi.core.lesson_status._children'))).toEqual(['', '202']);
    expect(err(api.LMSGetValue('cmi.core._count'))).toEqual(['', '203']);
    expect(err(api.LMSGetValue(''))).toEqual(['', '201']);
    expect(err(api.LMSGetValue('cmi.core.no_such_thing'))).toEqual(['', '401']);
    expect(err(api.LMSSetValue('cmi.core.no_such_thing', 'x'))).toEqual(['false', '401']);
    expect(err(api.LMSGetValue('adl.nav.request'))).toEqual(['', '401']);
    // The last error stands until the next call that can fail.
    expect(api.LMSGetErrorString('401')).toBe('Not implemented error');
    expect(api.LMSGetLastError()).toBe('401');
    expect(api.LMSGetDiagnostic('')).toBe('Not implemented error: adl.nav.request');
    expect(api.LMSGetDiagnostic(405)).toBe('Incorrect data type');
    expect(api.LMSGetErrorString('999')).toBe('');
    expect(err(api.LMSSetValue('cmi.core.lesson_status', 'completed'))).toEqual(['true', '0']);
  });

  it('gives _children, and counts arrays as entries are appended at the next index', () => {
    const { api12: api } = rig();
    api.LMSInitialize('');
    expect(api.LMSGetValue('cmi.core._children')).toContain('lesson_status');
    expect(api.LMSGetValue('cmi.core.score._children')).toBe('raw,min,max');
    expect(api.LMSGetValue('cmi.objectives._children')).toBe('id,score,status');
    expect(api.LMSGetValue('cmi.interactions._count')).toBe('0');
    expect(api.LMSSetValue('cmi.interactions.0.id', 'q1')).toBe('true');
    expect(api.LMSSetValue('cmi.interactions.0.type', 'choice')).toBe('true');
    expect(api.LMSSetValue('cmi.interactions.0.student_response', 'b')).toBe('true');
    expect(api.LMSSetValue('cmi.interactions.0.result', 'wrong')).toBe('true');
    expect(api.LMSSetValue('cmi.interactions.0.objectives.0.id', 'obj1')).toBe('true');
    expect(api.LMSSetValue('cmi.interactions.1.result', '0.5')).toBe('true');
    expect(api.LMSGetValue('cmi.interactions._count')).toBe('2');
    expect(api.LMSGetValue('cmi.interactions.0.objectives._count')).toBe('1');
    // Interactions are write-only in 1.2.
    expect(api.LMSGetValue('cmi.interactions.0.id')).toBe('');
    expect(api.LMSGetLastError()).toBe('404');
    // Beyond the next index, or a second spelling of one.
    expect(api.LMSSetValue('cmi.interactions.5.id', 'q5')).toBe('false');
    expect(api.LMSGetLastError()).toBe('201');
    expect(api.LMSSetValue('cmi.interactions.01.id', 'q1')).toBe('false');
    expect(api.LMSGetValue('cmi.interactions._count')).toBe('2');

    expect(api.LMSSetValue('cmi.objectives.0.id', 'obj1')).toBe('true');
    expect(api.LMSSetValue('cmi.objectives.0.score.raw', '75')).toBe('true');
    expect(api.LMSGetValue('cmi.objectives.0.score.raw')).toBe('75');
    expect(api.LMSGetValue('cmi.objectives.0.status')).toBe('not attempted');
    expect(api.LMSGetValue('cmi.objectives.1.id')).toBe('');
    expect(api.LMSGetLastError()).toBe('201');
    expect(api.LMSGetValue('cmi.objectives._count')).toBe('1');
  });

  it('never lets a throwing callback change an answer', () => {
    const api = createScorm12Api({
      onCall: () => {
        throw new Error('relay down');
      },
    });
    expect(api.LMSInitialize('')).toBe('true');
    expect(api.LMSCommit('')).toBe('true');
    expect(api.LMSFinish('')).toBe('true');
    expect(api.LMSGetLastError()).toBe('0');
  });

  it('works unbound, as packages that keep a method in a variable call it', () => {
    const { api12 } = rig();
    const { LMSInitialize, LMSGetValue } = api12;
    expect(LMSInitialize('')).toBe('true');
    expect(LMSGetValue('cmi.core.lesson_mode')).toBe('normal');
  });
});

describe('SCORM 2004 API', () => {
  it('runs a session: initialize, set and get, commit, terminate, each reported with the status', () => {
    const { api04: api, calls } = rig({ learnerId: 'u_42', learnerName: 'Jane Doe' });
    expect(api.Initialize('')).toBe('true');
    expect(api.GetValue('cmi._version')).toBe('1.0');
    expect(api.GetValue('cmi.learner_id')).toBe('u_42');
    expect(api.GetValue('cmi.learner_name')).toBe('Jane Doe');
    expect(api.GetValue('cmi.completion_status')).toBe('unknown');
    expect(api.GetValue('cmi.success_status')).toBe('unknown');
    expect(api.GetValue('cmi.mode')).toBe('normal');
    expect(api.GetValue('cmi.entry')).toBe('ab-initio');
    expect(api.GetValue('cmi.credit')).toBe('credit');
    expect(api.GetValue('cmi.total_time')).toBe('PT0H0M0S');
    expect(api.GetLastError()).toBe('0');

    expect(api.SetValue('cmi.completion_status', 'incomplete')).toBe('true');
    expect(api.SetValue('cmi.location', 'slide-7')).toBe('true');
    expect(api.SetValue('cmi.progress_measure', '0.4')).toBe('true');
    expect(api.Commit('')).toBe('true');
    expect(api.SetValue('cmi.score.scaled', '0.92')).toBe('true');
    expect(api.SetValue('cmi.score.raw', 92)).toBe('true');
    expect(api.SetValue('cmi.completion_status', 'completed')).toBe('true');
    expect(api.SetValue('cmi.success_status', 'passed')).toBe('true');
    expect(api.SetValue('cmi.session_time', 'PT1H2M3.5S')).toBe('true');
    expect(api.SetValue('cmi.exit', 'normal')).toBe('true');
    expect(api.SetValue('adl.nav.request', 'continue')).toBe('true');
    expect(api.GetValue('cmi.score.raw')).toBe('92');
    expect(api.Terminate('')).toBe('true');

    expect(calls).toEqual([
      ['initialize', { version: '2004', completionStatus: 'unknown', successStatus: 'unknown' }],
      [
        'commit',
        { version: '2004', completionStatus: 'incomplete', successStatus: 'unknown', location: 'slide-7' },
      ],
      [
        'finish',
        {
          version: '2004',
          completionStatus: 'completed',
          successStatus: 'passed',
          scoreScaled: 0.92,
          sessionTimeS: 3723.5,
          location: 'slide-7',
        },
      ],
    ]);
  });

  it('snake-cases "not attempted" and reads every part of a duration', () => {
    const { api04: api, calls } = rig();
    api.Initialize('');
    api.SetValue('cmi.completion_status', 'not attempted');
    api.SetValue('cmi.session_time', 'P1DT30M');
    api.Commit('');
    api.SetValue('cmi.session_time', 'PT45S');
    api.Commit('');
    expect(calls[1]![1]).toMatchObject({ completionStatus: 'not_attempted', sessionTimeS: 86_400 + 1800 });
    expect(calls[2]![1].sessionTimeS).toBe(45);
  });

  it('answers the state errors: 122, 132, 142, 112 before; 103 while running; 104, 123, 133, 143, 113 after', () => {
    const { api04: api, calls } = rig();
    const err = (result: string) => [result, api.GetLastError()];
    expect(err(api.GetValue('cmi.location'))).toEqual(['', '122']);
    expect(err(api.SetValue('cmi.location', 'x'))).toEqual(['false', '132']);
    expect(err(api.Commit(''))).toEqual(['false', '142']);
    expect(err(api.Terminate(''))).toEqual(['false', '112']);
    expect(err(api.Initialize('x'))).toEqual(['false', '201']);
    expect(err(api.Initialize(''))).toEqual(['true', '0']);
    expect(err(api.Initialize(''))).toEqual(['false', '103']);
    expect(err(api.Commit('x'))).toEqual(['false', '201']);
    expect(err(api.Terminate('x'))).toEqual(['false', '201']);
    expect(err(api.Terminate(''))).toEqual(['true', '0']);
    expect(err(api.Initialize(''))).toEqual(['false', '104']);
    expect(err(api.GetValue('cmi.location'))).toEqual(['', '123']);
    expect(err(api.SetValue('cmi.location', 'x'))).toEqual(['false', '133']);
    expect(err(api.Commit(''))).toEqual(['false', '143']);
    expect(err(api.Terminate(''))).toEqual(['false', '113']);
    expect(api.GetErrorString('113')).toBe('Termination After Termination');
    expect(calls.map(([c]) => c)).toEqual(['initialize', 'finish']);
  });

  it('refuses read-only, write-only, keywords, bad vocabulary, types and ranges with 2004 codes', () => {
    const { api04: api } = rig();
    api.Initialize('');
    const err = (result: string) => [result, api.GetLastError()];
    expect(err(api.SetValue('cmi.learner_id', 'x'))).toEqual(['false', '404']);
    expect(err(api.SetValue('cmi.mode', 'review'))).toEqual(['false', '404']);
    expect(err(api.SetValue('cmi._version', '2.0'))).toEqual(['false', '404']);
    expect(err(api.SetValue('cmi.objectives._count', '1'))).toEqual(['false', '404']);
    expect(err(api.GetValue('cmi.exit'))).toEqual(['', '405']);
    expect(err(api.GetValue('cmi.session_time'))).toEqual(['', '405']);
    expect(err(api.SetValue('cmi.completion_status', 'passed'))).toEqual(['false', '406']);
    expect(err(api.SetValue('cmi.success_status', 'completed'))).toEqual(['false', '406']);
    expect(err(api.SetValue('cmi.exit', 'quit'))).toEqual(['false', '406']);
    expect(err(api.SetValue('cmi.score.raw', 'lots'))).toEqual(['false', '406']);
    expect(err(api.SetValue('cmi.session_time', '00:10:00'))).toEqual(['false', '406']);
    expect(err(api.SetValue('cmi.session_time', 'PT'))).toEqual(['false', '406']);
    expect(err(api.SetValue('cmi.score.scaled', '1.5'))).toEqual(['false', '407']);
    expect(err(api.SetValue('cmi.progress_measure', '-0.1'))).toEqual(['false', '407']);
    // Never set and no default: "not initialized".
    expect(err(api.GetValue('cmi.location'))).toEqual(['', '403']);
    expect(err(api.GetValue('cmi.score.scaled'))).toEqual(['', '403']);
    expect(err(api.GetValue('cmi.suspend_data'))).toEqual(['', '403']);
    expect(err(api.GetValue('cmi.score.scaled._children'))).toEqual(['', '301']);
    expect(err(api.GetValue('cmi.score._count'))).toEqual(['', '301']);
    expect(err(api.GetValue(''))).toEqual(['', '301']);
    expect(err(api.SetValue('', 'x'))).toEqual(['false', '351']);
    expect(err(api.GetValue('cmi.core.lesson_status'))).toEqual(['', '401']);
    expect(err(api.SetValue('cmi.nonsense', 'x'))).toEqual(['false', '401']);
    expect(api.GetDiagnostic('')).toBe('Undefined Data Model Element: cmi.nonsense');
    expect(api.GetDiagnostic('401')).toBe('Undefined Data Model Element: cmi.nonsense');
    expect(api.GetDiagnostic('406')).toBe('Data Model Element Type Mismatch');
  });

  it('creates array entries by their id, counts them, and refuses a gap (351) or a field first (408)', () => {
    const { api04: api } = rig();
    api.Initialize('');
    const err = (result: string) => [result, api.GetLastError()];
    expect(api.GetValue('cmi.interactions._children')).toContain('learner_response');
    expect(api.GetValue('cmi.objectives.0.score._children')).toBe('');
    expect(api.GetLastError()).toBe('301');
    expect(err(api.SetValue('cmi.objectives.0.success_status', 'passed'))).toEqual(['false', '408']);
    expect(err(api.SetValue('cmi.objectives.0.id', 'urn:obj:1'))).toEqual(['true', '0']);
    expect(api.GetValue('cmi.objectives.0.success_status')).toBe('unknown');
    expect(err(api.SetValue('cmi.objectives.0.score.scaled', '0.5'))).toEqual(['true', '0']);
    expect(api.GetValue('cmi.objectives.0.score._children')).toBe('scaled,raw,min,max');
    expect(err(api.SetValue('cmi.objectives.2.id', 'urn:obj:3'))).toEqual(['false', '351']);
    expect(api.GetValue('cmi.objectives._count')).toBe('1');
    expect(err(api.GetValue('cmi.objectives.1.id'))).toEqual(['', '301']);

    expect(err(api.SetValue('cmi.interactions.0.id', 'q1'))).toEqual(['true', '0']);
    expect(err(api.SetValue('cmi.interactions.0.type', 'choice'))).toEqual(['true', '0']);
    expect(err(api.SetValue('cmi.interactions.0.type', 'essay'))).toEqual(['false', '406']);
    expect(err(api.SetValue('cmi.interactions.0.learner_response', 'b'))).toEqual(['true', '0']);
    expect(err(api.SetValue('cmi.interactions.0.result', 'incorrect'))).toEqual(['true', '0']);
    expect(err(api.SetValue('cmi.interactions.0.latency', 'PT12S'))).toEqual(['true', '0']);
    expect(err(api.SetValue('cmi.interactions.0.timestamp', '2026-11-21T10:00:00.5Z'))).toEqual([
      'true',
      '0',
    ]);
    expect(err(api.SetValue('cmi.interactions.0.correct_responses.0.pattern', 'a'))).toEqual(['true', '0']);
    expect(err(api.SetValue('cmi.interactions.0.objectives.0.id', 'urn:obj:1'))).toEqual(['true', '0']);
    expect(err(api.SetValue('cmi.interactions.1.objectives.0.id', 'x'))).toEqual(['false', '351']);
    expect(api.GetValue('cmi.interactions.0.learner_response')).toBe('b');
    expect(api.GetValue('cmi.interactions.0.correct_responses._count')).toBe('1');
    expect(api.GetValue('cmi.interactions._count')).toBe('1');
    expect(err(api.GetValue('cmi.interactions.0.description'))).toEqual(['', '403']);

    expect(err(api.SetValue('cmi.comments_from_learner.0.comment', 'Nice'))).toEqual(['true', '0']);
    expect(api.GetValue('cmi.comments_from_learner._count')).toBe('1');
    expect(api.GetValue('cmi.comments_from_lms._count')).toBe('0');
    expect(err(api.SetValue('cmi.comments_from_lms.0.comment', 'x'))).toEqual(['false', '404']);
  });
});
