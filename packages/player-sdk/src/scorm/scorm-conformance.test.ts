/// <reference types="vite/client" />
// Replays the ADL-derived SCORM RTE conformance fixtures (test-support/scorm-conformance, data from scorm-again)
// against our own runtime APIs. Every step that does not match is listed in known-failures.json with its cause;
// the set of failures must equal that list exactly, so a fix and a regression both fail here and prompt an update.
import { describe, expect, it } from 'vitest';
import { createScorm12Api, createScorm2004Api, type ScormApiOptions } from './scorm-api.js';

type ExpectedReturn = string | { match: string };

interface Step {
  method: string;
  element?: string;
  value?: string;
  expectedReturn?: ExpectedReturn;
  expectedErrorCode: string;
}

type InitialState = { cmi?: Record<string, unknown> };

interface Activity {
  id: string;
  initialState?: InitialState;
  steps: Step[];
}

interface Fixture {
  id: string;
  scormVersion: '1.2' | '2004';
  source: string;
  initialState?: InitialState;
  activities: Activity[];
}

interface KnownFailure {
  id: string;
  why: string;
}

interface Failure {
  id: string;
  message: string;
}

// Eager glob: the fixtures are data files beside the test kits, and every file added there is replayed.
const fixtureFiles = import.meta.glob<Fixture>('../../test-support/scorm-conformance/**/*.json', {
  eager: true,
  import: 'default',
});
const knownFailures = import.meta.glob<KnownFailure[]>(
  '../../test-support/scorm-conformance/known-failures.json',
  { eager: true, import: 'default' },
)['../../test-support/scorm-conformance/known-failures.json']!;

const fixtures = Object.entries(fixtureFiles)
  .filter(([path]) => !path.endsWith('/known-failures.json'))
  .map(([, fixture]) => fixture);

/** One API shape for both editions: 1.2's `LMS*` methods mapped onto 2004's names. */
type Api = Record<string, (a?: unknown, b?: unknown) => string>;

/** Flattens `{ cmi: { score: { scaled: "0.5" } } }` into `cmi.score.scaled`. */
function flatten(prefix: string, value: unknown, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(`${prefix}.${k}`, v, out);
  } else {
    out.set(prefix, String(value));
  }
  return out;
}

/** A fresh API of the fixture's edition, seeded with the activity's launch state as an LMS would. */
function launch(fixture: Fixture, activity: Activity): { api: Api; unseeded: string[] } {
  const state = activity.initialState ?? fixture.initialState ?? {};
  const options: ScormApiOptions = {
    initial: Object.fromEntries(flatten('cmi', state.cmi ?? {}, new Map())),
  };
  const unseeded: string[] = [];
  if (fixture.scormVersion === '2004') return { api: { ...createScorm2004Api(options) }, unseeded };
  const a = createScorm12Api(options);
  const api: Api = {
    Initialize: a.LMSInitialize,
    Terminate: a.LMSFinish,
    GetValue: a.LMSGetValue,
    SetValue: a.LMSSetValue,
    Commit: a.LMSCommit,
    GetLastError: a.LMSGetLastError,
    GetErrorString: a.LMSGetErrorString,
    GetDiagnostic: a.LMSGetDiagnostic,
  };
  // Fixtures may also spell 1.2's own names.
  return { api: { ...api, ...a }, unseeded };
}

/** The arguments of a step, as the ADL commands pass them (see the fixture schema in the README there). */
function argsOf(step: Step): unknown[] {
  if (step.method.endsWith('SetValue')) return [step.element ?? '', step.value ?? ''];
  if (step.method.endsWith('GetValue')) return [step.element ?? ''];
  if (step.method.endsWith('GetLastError')) return [];
  return [step.value ?? ''];
}

function returnMatches(expected: ExpectedReturn | undefined, actual: string): boolean {
  if (expected === undefined) return true;
  if (typeof expected === 'string') return expected === actual;
  // Implementation-defined wording (ADL's `less255` marker): any non-empty string of at most 255 characters.
  if (expected.match === 'nonEmptyMax255') return actual.length > 0 && actual.length <= 255;
  throw new Error(`unknown match form ${JSON.stringify(expected)}`);
}

const show = (r: ExpectedReturn | undefined) =>
  r === undefined ? '(any)' : typeof r === 'string' ? JSON.stringify(r) : `{match:${r.match}}`;

/** Replays every activity of `fixture`; answers its step count and the steps that did not match. */
function replay(fixture: Fixture): { steps: number; failures: Failure[] } {
  const failures: Failure[] = [];
  let steps = 0;
  for (const activity of fixture.activities) {
    const { api, unseeded } = launch(fixture, activity);
    activity.steps.forEach((step, index) => {
      steps++;
      const id = `${fixture.id}/${activity.id}/${index}`;
      const method = api[step.method];
      let returned: string;
      let code: string;
      if (!method) {
        returned = `<no method ${step.method}>`;
        code = '-';
      } else {
        try {
          returned = method(...argsOf(step));
        } catch (e) {
          returned = `<threw ${String(e)}>`;
        }
        code = api.GetLastError!();
      }
      if (returnMatches(step.expectedReturn, returned) && code === step.expectedErrorCode) return;
      const call = `${step.method}(${[step.element, step.value].filter((x) => x !== undefined).join(', ')})`;
      const seed = unseeded.length ? ` [unseeded: ${unseeded.join(', ')}]` : '';
      failures.push({
        id,
        message: `${id}: ${call} returned ${JSON.stringify(returned)}/${code}, expected ${show(step.expectedReturn)}/${step.expectedErrorCode}${seed}`,
      });
    });
  }
  return { steps, failures };
}

describe('SCORM conformance (ADL-derived fixtures)', () => {
  it('loads steps from every fixture', () => {
    expect(fixtures.length).toBeGreaterThan(0);
    expect(new Set(fixtures.map((f) => f.id)).size).toBe(fixtures.length);
    for (const fixture of fixtures) {
      const steps = fixture.activities.reduce((n, a) => n + a.steps.length, 0);
      expect(steps, fixture.id).toBeGreaterThan(0);
    }
  });

  it('fails exactly the known failing steps', () => {
    let total = 0;
    const failures: Failure[] = [];
    for (const fixture of fixtures) {
      const r = replay(fixture);
      total += r.steps;
      failures.push(...r.failures);
    }
    const known = new Set(knownFailures.map((k) => k.id));
    expect(known.size, 'known-failures.json lists an id twice').toBe(knownFailures.length);
    console.log(
      `scorm conformance: ${total - failures.length}/${total} steps pass (${knownFailures.length} known failures)`,
    );
    const failing = new Set(failures.map((f) => f.id));
    // Messages, not ids, so a new failure reads as what was called and what came back.
    const newFailures = failures.filter((f) => !known.has(f.id)).map((f) => f.message);
    const nowPassing = [...known].filter((id) => !failing.has(id));
    expect({ newFailures, nowPassing }).toEqual({ newFailures: [], nowPassing: [] });
  });
});
