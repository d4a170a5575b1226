// The caps that keep a runaway package from growing the page's memory, and the bounded snapshot.
import { describe, expect, it } from 'vitest';
import { createScorm12Api, createScorm2004Api } from './scorm-api.js';
import type { ScormCall, ScormSnapshot } from './scorm-message.js';

/** A 1.2 and a 2004 API with the given caps, and the calls they reported. */
function rig(limits: { maxElements?: number; maxChars?: number } = {}) {
  const calls: [ScormCall, ScormSnapshot][] = [];
  const onCall = (call: ScormCall, s: ScormSnapshot) => calls.push([call, s]);
  return {
    api12: createScorm12Api({ ...limits, onCall }),
    api04: createScorm2004Api({ ...limits, onCall }),
    calls,
  };
}

describe('SCORM 1.2 API limits', () => {
  it('caps values by their type: suspend_data at 4096 characters, locations at 255', () => {
    const { api12: api } = rig();
    api.LMSInitialize('');
    expect(api.LMSSetValue('cmi.suspend_data', 'x'.repeat(4096))).toBe('true');
    expect(api.LMSSetValue('cmi.suspend_data', 'x'.repeat(4097))).toBe('false');
    expect(api.LMSGetLastError()).toBe('405');
    expect(api.LMSGetValue('cmi.suspend_data')).toHaveLength(4096);
    expect(api.LMSSetValue('cmi.core.lesson_location', 'x'.repeat(256))).toBe('false');
  });

  it('caps the elements stored, so a runaway package cannot grow memory', () => {
    const { api12: api } = rig({ maxElements: 10 });
    api.LMSInitialize('');
    for (let i = 0; i < 10; i++) expect(api.LMSSetValue(`cmi.interactions.${i}.id`, `q${i}`)).toBe('true');
    expect(api.LMSSetValue('cmi.interactions.10.id', 'q10')).toBe('false');
    expect(api.LMSGetLastError()).toBe('101');
    expect(api.LMSGetValue('cmi.interactions._count')).toBe('10');
    // Values already stored can still change.
    expect(api.LMSSetValue('cmi.interactions.3.id', 'q3b')).toBe('true');
  });

  it('caps the characters stored, all values together', () => {
    const { api12: api } = rig({ maxChars: 5000 });
    api.LMSInitialize('');
    expect(api.LMSSetValue('cmi.suspend_data', 'x'.repeat(4000))).toBe('true');
    expect(api.LMSSetValue('cmi.comments', 'y'.repeat(1001))).toBe('false');
    expect(api.LMSGetLastError()).toBe('101');
    // Replacing a value counts its new length instead of the old.
    expect(api.LMSSetValue('cmi.suspend_data', 'x'.repeat(3000))).toBe('true');
    expect(api.LMSSetValue('cmi.comments', 'y'.repeat(1001))).toBe('true');
  });
});

describe('SCORM 2004 API limits', () => {
  it('caps suspend_data at 64 000 characters and other strings at 4000', () => {
    const { api04: api } = rig();
    api.Initialize('');
    expect(api.SetValue('cmi.suspend_data', 'x'.repeat(64_000))).toBe('true');
    expect(api.SetValue('cmi.suspend_data', 'x'.repeat(64_001))).toBe('false');
    expect(api.GetLastError()).toBe('406');
    expect(api.SetValue('cmi.location', 'x'.repeat(4000))).toBe('true');
    expect(api.SetValue('cmi.location', 'x'.repeat(4001))).toBe('false');
  });

  it('answers 351 when the element cap is reached', () => {
    const { api04: api } = rig({ maxElements: 3 });
    api.Initialize('');
    expect(api.SetValue('cmi.location', 'a')).toBe('true');
    expect(api.SetValue('cmi.suspend_data', 'b')).toBe('true');
    expect(api.SetValue('cmi.score.raw', '1')).toBe('true');
    expect(api.SetValue('cmi.score.min', '0')).toBe('false');
    expect(api.GetLastError()).toBe('351');
  });

  it('keeps the snapshot bounded: a location is cut to 256 characters', () => {
    const { api04: api, calls } = rig();
    api.Initialize('');
    api.SetValue('cmi.location', 'L'.repeat(1000));
    api.Commit('');
    expect(calls[1]![1].location).toHaveLength(256);
  });
});
