// A multi-SCO course in the launch frame (ADR 0011): the sequencer decides what to deliver; each SCO gets a
// fresh API in the same place discovery finds it; its Terminate ends the attempt and its adl.nav.request is
// acted on; the learner's buttons and contents first unload the SCO (so it can save and terminate), then
// navigate. Suspended SCOs resume with their suspend data within the launch.
import type { LaunchActivity } from '@coursecast/api';
import type { ScormCall } from '@coursecast/semconv/browser';
import { createCourseView, type CourseView } from './course-view.js';
import { createApi, type FrameWindow } from './scorm-frame.js';
import type { ScormSnapshot, ScormVersion } from './scorm-message.js';
import type { Activity } from './sequencing/activity-tree.js';
import { attemptResultOf } from './sequencing/attempt-result.js';
import {
  createSequencer,
  parseNavRequest,
  type NavOutcome,
  type NavRequest,
  type Sequencer,
} from './sequencing/sequencer.js';

type Read = (element: string) => string | undefined;

export interface CourseOptions {
  version: ScormVersion;
  organization: LaunchActivity;
  /** The package frame (not yet in the document). */
  frame: HTMLIFrameElement;
  /** Puts the API of the SCO being delivered where discovery finds it. */
  setApi: (api: unknown) => void;
  /** Posts a call to the learner's page. */
  relay: (call: ScormCall, snapshot: ScormSnapshot, activity?: string) => void;
  /** The first SCO initialized, or the course is waiting for the learner's choice: it started. */
  onStarted: () => void;
}

export interface CoursePlayer {
  readonly sequencer: Sequencer;
  /** A navigation request from the learner (buttons, contents). */
  request(request: NavRequest): void;
}

const END_MESSAGES: Record<Extract<NavOutcome, { type: 'end' }>['reason'], string> = {
  endOfCourse: 'You have reached the end of the course.',
  exitAll: 'You have left the course.',
  abandonAll: 'The course was closed.',
  suspendAll: 'The course is saved where you left it.',
};

// What a suspended SCO gets back when it is delivered again (RTE 4.2.8, 4.2.14, 4.2.23; 1.2 3.4.2).
const RESUME_ELEMENTS = {
  '1.2': { entry: 'cmi.core.entry', saved: ['cmi.suspend_data', 'cmi.core.lesson_location'] },
  '2004': { entry: 'cmi.entry', saved: ['cmi.suspend_data', 'cmi.location'] },
} as const;

/** Starts the course: builds its chrome in `win`, then delivers what the sequencer starts with. */
export function startCourse(win: Window & FrameWindow, o: CourseOptions): CoursePlayer {
  const seq = createSequencer(o.organization, o.version);
  const saved = new Map<string, Record<string, string>>();
  let delivery = 0;
  let attemptOpen = false;
  let lastRead: Read = () => undefined;
  let pending: NavRequest | null = null;
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    o.onStarted();
  };

  const endAttempt = (activity: Activity, read: Read): void => {
    attemptOpen = false;
    const result = attemptResultOf(o.version, read);
    if (result.suspend) {
      const keep: Record<string, string> = {};
      for (const e of RESUME_ELEMENTS[o.version].saved) {
        const v = read(e);
        if (v) keep[e] = v;
      }
      saved.set(activity.id, keep);
    } else {
      saved.delete(activity.id);
    }
    seq.endAttempt(result);
  };

  const deliver = (activity: Activity, resume: boolean): void => {
    const id = ++delivery;
    const resumeData = resume ? saved.get(activity.id) : undefined;
    const initial: Record<string, string> = { ...activity.launchData, ...resumeData };
    if (resumeData) initial[RESUME_ELEMENTS[o.version].entry] = 'resume';
    lastRead = () => undefined;
    attemptOpen = true;
    o.setApi(
      createApi(o.version, {
        initial,
        navigation: o.version === '2004' ? seq : undefined,
        onCall: (call, snapshot, read) => {
          // The event schema's bound on the label (content.scorm.activity_id).
          o.relay(call, snapshot, activity.id.slice(0, 255));
          if (id !== delivery) return;
          lastRead = read;
          if (call === 'initialize') start();
          if (call === 'finish') onFinish(activity, read);
        },
      }),
    );
    view.showMessage(null);
    o.frame.title = activity.title;
    o.frame.src = activity.url ?? 'about:blank';
    view.update();
  };

  const act = (outcome: NavOutcome, fromContent: boolean): void => {
    if (outcome.type === 'deliver') return deliver(outcome.activity, outcome.resume);
    if (outcome.type === 'end') {
      o.frame.src = 'about:blank';
      view.update();
      const resume = outcome.reason === 'suspendAll';
      return view.showMessage(
        END_MESSAGES[outcome.reason],
        resume ? { label: 'Resume the course', request: { kind: 'resumeAll' } } : undefined,
      );
    }
    if (outcome.type === 'wait') {
      view.update();
      return view.showMessage('Choose an activity from the contents to go on.');
    }
    // A SCO's request that cannot be honoured is not processed (SN NB.2.1): the learner navigates instead.
    view.update();
    view.announce(
      fromContent
        ? `The lesson asked to move on, but ${outcome.reason}.`
        : `Not possible: ${outcome.reason}.`,
    );
  };

  // Called inside the SCO's Terminate: the navigation waits for it to return.
  const onFinish = (activity: Activity, read: Read): void => {
    endAttempt(activity, read);
    if (pending) return;
    const request = o.version === '2004' ? parseNavRequest(read('adl.nav.request') ?? '') : null;
    win.setTimeout(() => {
      if (pending) return;
      if (request) return act(seq.navigate(request), true);
      view.update();
    }, 0);
  };

  const request = (r: NavRequest): void => {
    if (pending) return;
    if (!seq.isValid(r)) return act(seq.navigate(r), false);
    if (!attemptOpen || !seq.current) return act(seq.navigate(r), false);
    // Unload the SCO first: its unload handler saves and terminates on the API it holds.
    pending = r;
    const current = seq.current;
    o.frame.addEventListener(
      'load',
      () => {
        if (attemptOpen) endAttempt(current, lastRead);
        const next = pending as NavRequest;
        pending = null;
        act(seq.navigate(next), false);
      },
      { once: true },
    );
    o.frame.src = 'about:blank';
  };

  const view: CourseView = createCourseView(win.document, o.frame, seq, request);
  const first = seq.navigate({ kind: 'start' });
  if (first.type !== 'deliver') start();
  act(first, false);
  return { sequencer: seq, request };
}
