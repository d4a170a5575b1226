// The script the server loads first in every HTML file of a SCORM package (`__coursecast/scorm-runtime.js`). The
// API itself lives in the launch frame, the package's parent on the content origin (ADR 0010), where the
// standard discovery walk finds it; this half only tells the launch frame what went wrong in the page from its
// very first script on (errors, refused resources), which a listener added after the page loaded would miss.
import type { PageProblem } from './launch-watch.js';

/** What the launch frame exposes to the package's pages (same origin): where problems are reported. */
export interface LaunchHook {
  problem(p: PageProblem): void;
}

/** The global the launch frame defines its hook under. */
export const LAUNCH_HOOK = '__coursecastLaunch';

interface WalkWindow {
  parent: WalkWindow;
  [LAUNCH_HOOK]?: LaunchHook;
}

/** The launch frame's hook, from this window up; null when opened outside one (or above it is another origin). */
export function findLaunchHook(win: WalkWindow): LaunchHook | null {
  let w = win;
  for (let depth = 0; depth < 32; depth++) {
    try {
      const hook = w[LAUNCH_HOOK];
      if (hook && typeof hook.problem === 'function') return hook;
    } catch {
      return null; // another origin (the learner's page): no launch frame above
    }
    if (w.parent === w) return null;
    w = w.parent;
  }
  return null;
}

type ObservedWindow = WalkWindow & Pick<Window, 'addEventListener'> & { document: Document };

/** Reports the page's script errors, unhandled rejections and refused or failed resources to the launch frame. */
export function observePage(win: ObservedWindow): void {
  const hook = findLaunchHook(win);
  if (!hook) return;
  const report = (p: PageProblem): void => {
    try {
      hook.problem(p);
    } catch {
      // Reporting must never break the package.
    }
  };
  win.addEventListener(
    'error',
    (event) => {
      const target = event.target as { src?: unknown; href?: unknown } | null;
      if (target && target !== (win as unknown) && (target.src || target.href)) {
        report({ kind: 'blocked', message: `failed to load ${String(target.src || target.href)}` });
        return;
      }
      const e = event;
      report({ kind: 'script', message: `${e.message} (${e.filename}:${e.lineno})` });
    },
    true,
  );
  win.addEventListener('unhandledrejection', (event) => {
    report({ kind: 'script', message: `unhandled rejection: ${String(event.reason)}` });
  });
  win.document.addEventListener('securitypolicyviolation', (event) => {
    report({ kind: 'blocked', message: `${event.effectiveDirective} refused ${event.blockedURI}` });
  });
}

// The script's entry: the server's <script> runs it before any script of the package.
if (typeof window !== 'undefined') observePage(window);
