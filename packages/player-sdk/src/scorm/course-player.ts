// A multi-SCO course in the launch frame (ADR 0011): the sequencer decides what to deliver; each SCO gets a
// fresh API in the same place discovery finds it; its Terminate ends the attempt and its adl.nav.request is
// acted on; the learner's buttons and contents first unload the SCO (so it can save and terminate), then
// navigate. Suspended SCOs resume with their suspend data within the launch, and, for a learner launched from an
// LMS, at the next launch too: the course is kept as one attempt (course-record.ts).
import type { LaunchActivity } from '@coursecast/api';
import type { ScormCall } from '@coursecast/semconv/browser';
import { courseValues, readCourseRecord } from './course-record.js';
import { createCourseView, type CourseView } from './course-view.js';
import { duration2004Seconds, timespan12Seconds } from './scorm-values.js';
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
  /** A learner's attempt at the LMS (a launch from an LMS): where the course resumes from and is kept. */
  persist?: CoursePersistence;
}

/** The course's attempt at the LMS. */
export interface CoursePersistence {
  /** The kept values of the attempt this launch continues ({} for a new one). */
  restored: Readonly<Record<string, string>>;
  /** What every SCO gets from the LMS besides its launch data: the learner's id and name. */
  learner: Readonly<Record<string, string>>;
  /** Keeps the course's values; a finish goes out even as the page unloads. */
  keep(call: 'commit' | 'finish', values: Record<string, string>): void;
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
  // What the LMS keeps: unsent SCO time, whether anything changed since the last finish, how the course ended.
  let sessionSeconds = 0;
  let dirty = false;
  let lastSent = '';
  let endedBy: Extract<NavOutcome, { type: 'end' }>['reason'] | null = null;
  const start = (): void => {
    if (started) return;
    started = true;
    o.onStarted();
  };

  const resumeData = (read: Read): Record<string, string> => {
    const keep: Record<string, string> = {};
    for (const e of RESUME_ELEMENTS[o.version].saved) {
      const v = read(e);
      if (v) keep[e] = v;
    }
    return keep;
  };

  const endAttempt = (activity: Activity, read: Read): void => {
    attemptOpen = false;
    const result = attemptResultOf(o.version, read);
    if (result.suspend) saved.set(activity.id, resumeData(read));
    else saved.delete(activity.id);
    sessionSeconds +=
      (o.version === '2004'
        ? duration2004Seconds(read('cmi.session_time'))
        : timespan12Seconds(read('cmi.core.session_time'))) ?? 0;
    seq.endAttempt(result);
  };

  /**
   * Sends the course to the LMS. Until it ends (or when it was suspended) it is kept as suspended where it is, with
   * the open SCO's latest resume data: a learner who closes the window comes back to the same place.
   */
  const persist = (call: 'commit' | 'finish'): void => {
    if (!o.persist) return;
    const kept = new Map(saved);
    if (attemptOpen && seq.current) kept.set(seq.current.id, resumeData(lastRead));
    const resumable = endedBy === null || endedBy === 'suspendAll';
    const values = courseValues(o.version, seq, kept, resumable, call === 'finish' ? sessionSeconds : 0);
    // Content commits often, mostly with nothing new: only a change is worth a request.
    const text = JSON.stringify(values);
    if (call === 'commit' && text === lastSent) return;
    lastSent = text;
    o.persist.keep(call, values);
    if (call === 'finish') {
      sessionSeconds = 0;
      dirty = false;
    }
  };

  const deliver = (activity: Activity, resume: boolean): void => {
    const id = ++delivery;
    const resumed = resume ? saved.get(activity.id) : undefined;
    const initial: Record<string, string> = { ...o.persist?.learner, ...activity.launchData, ...resumed };
    if (resumed) initial[RESUME_ELEMENTS[o.version].entry] = 'resume';
    lastRead = () => undefined;
    attemptOpen = true;
    endedBy = null;
    dirty = true;
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
          if (call === 'commit' || call === 'finish') persist('commit');
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
      endedBy = outcome.reason;
      persist('finish');
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
  // A kept course resumes where it was left: its statuses first, then the activity it was at.
  const record = o.persist ? readCourseRecord(o.persist.restored) : null;
  for (const [id, data] of record?.saved ?? []) saved.set(id, data);
  const resuming = record !== null && seq.restore(record.snapshot) && seq.isValid({ kind: 'resumeAll' });
  // The window closing ends the launch: what changed since the last finish goes out with the page.
  win.addEventListener('pagehide', () => {
    if (dirty) persist('finish');
  });
  const first = seq.navigate({ kind: resuming ? 'resumeAll' : 'start' });
  if (first.type !== 'deliver') start();
  act(first, false);
  return { sequencer: seq, request };
}
