// The launch frame (ADR 0010): the page the learner's page frames on the content origin, served by the server
// with the launch's facts in a JSON block. It hosts the SCORM API where discovery looks (the package's parent),
// frames the package, judges whether it started, and tells the learner's page, at its origin only.
import type { LaunchActivity } from '@coursecast/api';
import { startCourse } from './course-player.js';
import { createCallRelay, DEFAULT_MAX_MESSAGES, defineApiSlot, installScormFrame } from './scorm-frame.js';
import { LAUNCH_HOOK, type LaunchHook } from './scorm-page.js';
import { createLaunchWatch, type LaunchWatch } from './launch-watch.js';
import type { LaunchVerdict } from './launch-message.js';
import { attemptStore, readTicket, type AttemptStore } from './attempt-store.js';

/** What the server writes into the launch frame (`<script type="application/json" id="coursecast-launch">`). */
export interface LaunchConfig {
  /** `1.2`, `2004`, or null for an HTML5 package (no API). */
  scormVersion: '1.2' | '2004' | null;
  /** The package's launch document, on this origin. */
  launchUrl: string;
  title: string;
  /** The learner's page origin, already checked by the server against the app's origins. */
  appOrigin: string;
  timeoutMs: number;
  /** CMI values the runtime starts with: the manifest's launch data (mastery score, thresholds, time limit). */
  initial?: Readonly<Record<string, string>>;
  /**
   * The organization of a SCORM package with more than one SCO (ADR 0011): the course is sequenced, with a
   * table of contents. Absent for one SCO, an HTML5 package, or a package published before it was kept.
   */
  organization?: LaunchActivity;
}

type PaintWindow = Window & { PerformanceObserver: typeof PerformanceObserver };

/** Resolves on the package document's first paint (or at once when it already painted). */
function watchPaint(child: PaintWindow, watch: LaunchWatch): void {
  try {
    if (child.performance.getEntriesByType('paint').length > 0) return watch.painted();
    const observer = new child.PerformanceObserver(() => {
      observer.disconnect();
      watch.painted();
    });
    observer.observe({ type: 'paint', buffered: true });
  } catch {
    // A document this frame cannot read is judged by the deadline.
  }
}

/** On each load of the package's frame: its HTTP status, its paint, and (late) its errors for HTML5 packages. */
function onPackageLoad(frame: HTMLIFrameElement, watch: LaunchWatch, hook: LaunchHook, scorm: boolean): void {
  const child = frame.contentWindow as PaintWindow | null;
  try {
    const nav = child?.performance.getEntriesByType('navigation')[0] as
      (PerformanceNavigationTiming & { responseStatus?: number }) | undefined;
    if (nav?.responseStatus !== undefined && nav.responseStatus >= 400)
      return watch.httpError(nav.responseStatus);
  } catch {
    return;
  }
  if (!child) return;
  if (!scorm) {
    // SCORM pages carry the server's observer from their first script; an HTML5 package is watched from here.
    child.addEventListener('error', (e) => hook.problem({ kind: 'script', message: String(e.message) }));
    watchPaint(child, watch);
  }
}

function countLaunchable(a: LaunchActivity): number {
  return (a.url ? 1 : 0) + a.children.reduce((n, c) => n + countLaunchable(c), 0);
}

/** The launch values every SCO of a course gets: the learner's id and name (the entry and time are the course's). */
function learnerValues(initial: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(initial).filter(([k]) => /^cmi\.(learner_(id|name)|core\.student_(id|name))$/.test(k)),
  );
}

/** A learner's attempt to continue: its kept values, the LMS's launch values, and where commits are kept. */
export interface LaunchAttempt {
  restored: Record<string, string>;
  initial: Record<string, string>;
  store: AttemptStore;
}

/** Starts a launch from its config: API, package frame, verdict. */
export function startLaunch(win: Window, config: LaunchConfig, attempt?: LaunchAttempt): LaunchWatch {
  const post = (message: LaunchVerdict): void => win.parent.postMessage(message, config.appOrigin);
  const scorm = config.scormVersion !== null;
  const watch = createLaunchWatch({ scorm, onVerdict: post });
  const hook: LaunchHook = { problem: (p) => watch.problem(p) };
  Object.defineProperty(win, LAUNCH_HOOK, { value: Object.freeze(hook), configurable: false });
  const frame = win.document.createElement('iframe');
  frame.id = 'package-frame';
  frame.title = config.title;
  frame.allow = 'fullscreen';
  frame.addEventListener('load', () => onPackageLoad(frame, watch, hook, scorm));
  win.setTimeout(() => watch.timeout(), config.timeoutMs);
  if (config.scormVersion && config.organization) {
    startCourse(win, {
      version: config.scormVersion,
      organization: config.organization,
      frame,
      setApi: defineApiSlot(win, config.scormVersion, () => watch.apiRead()),
      // A course's SCOs each initialize, commit and finish: the flood bound grows with them.
      relay: createCallRelay(
        win,
        config.appOrigin,
        DEFAULT_MAX_MESSAGES + 20 * countLaunchable(config.organization),
      ),
      // A course waiting for the learner's choice has started too: its contents are what it shows first.
      onStarted: () => watch.initialized(),
      ...(attempt
        ? {
            persist: {
              restored: attempt.restored,
              learner: learnerValues(attempt.initial),
              keep: (call: 'commit' | 'finish', values: Record<string, string>) =>
                attempt.store.keep(call, values),
            },
          }
        : {}),
    });
    return watch;
  }
  if (config.scormVersion) {
    installScormFrame(win, {
      version: config.scormVersion,
      appOrigin: config.appOrigin,
      initial: { ...config.initial, ...attempt?.initial },
      ...(attempt
        ? {
            restored: attempt.restored,
            persist: (call: string, values: Record<string, string>) =>
              attempt.store.keep(call === 'finish' ? 'finish' : 'commit', values),
          }
        : {}),
      onApiRead: () => watch.apiRead(),
      onCall: (call) => {
        if (call === 'initialize') watch.initialized();
      },
    });
  }
  frame.src = config.launchUrl;
  win.document.body.append(frame);
  return watch;
}

/** The config block the server wrote, or null when absent or unreadable. */
export function readLaunchConfig(doc: Document): LaunchConfig | null {
  try {
    const parsed = JSON.parse(
      doc.getElementById('coursecast-launch')?.textContent ?? 'null',
    ) as LaunchConfig | null;
    return parsed && typeof parsed.launchUrl === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Starts the launch; with a ticket in the fragment (a learner from an LMS), first reads the attempt to continue (a
 * multi-SCO course's is the whole course's). A failure to read it launches the module anyway, as a fresh attempt
 * that is not kept.
 */
async function launchWithAttempt(win: Window, config: LaunchConfig): Promise<void> {
  const ticket = readTicket(win.location.hash);
  if (!ticket || !config.scormVersion) {
    startLaunch(win, config);
    return;
  }
  // Out of the address bar: the package shares this origin and has no business with it there.
  win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}`);
  const store = attemptStore(`${win.location.pathname.replace(/\/$/, '')}/cmi`, ticket);
  try {
    const state = await store.load();
    startLaunch(win, config, { restored: state.restored, initial: state.initial, store });
  } catch {
    startLaunch(win, config);
  }
}

if (typeof window !== 'undefined') {
  const config = readLaunchConfig(window.document);
  if (config) void launchWithAttempt(window, config);
}
