// The LTI bridge (/lti/bridge), the page the login and the launch pass through inside the LMS's frame, with no
// cookie: after the login it keeps the launch state where the launch will look for it (the platform's storage
// when the platform offers it, else this site's session storage) and goes on to the platform; after the launch it
// finds that state again (proof that this browser started the login) and only then opens the page with the
// learner session. A browser that can keep nothing in the frame is offered the same login in a new window, where
// this site's storage is its own. `data-state` on <body> (working|new-window|refused) tells tests where it is.
import type { LtiBridgeStep } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { platformStorage, storageTargetWindow } from './platform-storage.js';
import '../shared/palette.css';
import './lti-pages.css';

const app = document.getElementById('app')!;

/** The step in the fragment, or null when it is not one the server writes. */
function readStep(): LtiBridgeStep | null {
  try {
    const json = atob(location.hash.slice(1).replace(/-/g, '+').replace(/_/g, '/'));
    const step = JSON.parse(json) as Partial<LtiBridgeStep>;
    const fields = ['state', 'platformOrigin', 'next', 'newWindow'] as const;
    if ((step.step !== 'login' && step.step !== 'launch') || fields.some((f) => typeof step[f] !== 'string'))
      return null;
    return step as LtiBridgeStep;
  } catch {
    return null;
  }
}

/** The key and value the state is kept as: its signature, short enough for any platform's storage limits. */
function stateEntry(state: string): { key: string; value: string } {
  const signature = state.split('.')[2] ?? state;
  return { key: `lti_state_${signature.slice(0, 22)}`, value: signature };
}

function session(): Storage | null {
  try {
    const s = window.sessionStorage;
    s.setItem('cc_probe', '1');
    s.removeItem('cc_probe');
    return s;
  } catch {
    // Blocked in a third-party frame: the platform's storage, or a new window, has to do.
    return null;
  }
}

function show(state: string, ...children: (Node | string)[]): void {
  document.body.dataset['state'] = state;
  app.replaceChildren(...children);
}

function offerNewWindow(step: LtiBridgeStep, why: string): void {
  show(
    'new-window',
    el('h1', {}, 'Open coursecast in a new window'),
    el('p', {}, why),
    el(
      'p',
      {},
      el(
        'a',
        { class: 'button', href: step.newWindow, target: '_blank', rel: 'noopener' },
        'Open in a new window',
      ),
    ),
  );
}

async function run(): Promise<void> {
  const step = readStep();
  // The fragment may hold a learner session: out of the address bar and the history at once.
  history.replaceState(null, '', location.pathname);
  if (!step) {
    show(
      'refused',
      el('h1', {}, 'Nothing to do here'),
      el('p', {}, 'Open coursecast from the link in your course.'),
    );
    return;
  }
  const { key, value } = stateEntry(step.state);
  const target = step.storageTarget ? storageTargetWindow(window, step.storageTarget) : null;
  const platform = target
    ? platformStorage(
        {
          target,
          listen(handler) {
            const h = (e: MessageEvent) => handler({ data: e.data, origin: e.origin });
            window.addEventListener('message', h);
            return () => window.removeEventListener('message', h);
          },
          newId: () => crypto.randomUUID(),
          setTimeout: (fn, ms) => window.setTimeout(fn, ms),
        },
        step.platformOrigin,
      )
    : null;
  const local = session();

  if (step.step === 'login') {
    // Kept in both when both work: the launch may come back without the storage target.
    local?.setItem(key, value);
    const kept = (platform ? await platform.put(key, value) : false) || local !== null;
    if (!kept) {
      offerNewWindow(
        step,
        'Your browser does not let coursecast remember your sign-in inside the course page.',
      );
      return;
    }
    location.replace(step.next);
    return;
  }
  const found = (platform ? await platform.get(key) : null) === value || local?.getItem(key) === value;
  if (!found) {
    offerNewWindow(
      step,
      'coursecast could not confirm that this browser started the sign-in (your browser may block what the course ' +
        'page shares with it).',
    );
    return;
  }
  local?.removeItem(key);
  if (platform) void platform.put(key, '');
  location.replace(`${step.next}#session=${encodeURIComponent(step.session)}`);
}

void run();
