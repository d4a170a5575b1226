// The Dynamic Registration page (/lti/register): an LMS administrator adds coursecast by its registration URL;
// the LMS opens this page with its OpenID configuration URL and a registration token. coursecast's own
// administrator confirms with the admin token (strangers cannot register platforms), the server registers the
// tool at the LMS, and the page tells the LMS it is done (`org.imsglobal.lti.close`). The token stays in this page's
// memory only. `data-state` on <body> (ready|sending|done|error) tells tests where it is.
import type { LtiDynamicRegistration, LtiPlatformInfo } from '@coursecast/api';
import { el } from '../shared/dom-builder.js';
import { ApiError, requestJson } from '../shared/http-json.js';
import '../shared/palette.css';
import './lti-pages.css';

const app = document.getElementById('app')!;

function setState(state: string): void {
  document.body.dataset['state'] = state;
}

/** Tells the LMS that opened this page (its frame's parent, or the window that opened it) to close it. */
function closeAtPlatform(): void {
  const opener = window.opener as Window | null;
  const host = opener ?? (window.parent !== window ? window.parent : null);
  host?.postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
}

function main(): void {
  const query = new URLSearchParams(location.search);
  const openidConfiguration = query.get('openid_configuration');
  const registrationToken = query.get('registration_token');
  if (!openidConfiguration) {
    setState('error');
    app.replaceChildren(
      el('h1', {}, 'Register coursecast with your LMS'),
      el(
        'p',
        {},
        "Give this page's address to your LMS as the tool's registration URL: the LMS opens it itself.",
      ),
    );
    return;
  }
  const host = new URL(openidConfiguration).host;
  const token = el('input', { id: 'admin-token', type: 'password', required: true, autocomplete: 'off' });
  const error = el('p', { id: 'register-error', class: 'error', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Register');
  const form = el(
    'form',
    { id: 'register-form' },
    el('label', { for: 'admin-token' }, "coursecast's admin token"),
    ' ',
    token,
    ' ',
    submit,
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void register(token.value.trim());
  });

  async function register(adminToken: string): Promise<void> {
    setState('sending');
    submit.disabled = true;
    error.hidden = true;
    const body: LtiDynamicRegistration = { openidConfiguration: openidConfiguration! };
    if (registrationToken) body.registrationToken = registrationToken;
    try {
      const { platform } = await requestJson<{ platform: LtiPlatformInfo }>('/api/lti/dynamic-registration', {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      setState('done');
      const deployments = platform.deploymentIds.length > 0 ? platform.deploymentIds.join(', ') : 'any';
      app.replaceChildren(
        el('h1', {}, 'coursecast is registered'),
        el(
          'p',
          { role: 'status' },
          `${platform.name}: client id ${platform.clientId}, deployment ${deployments}.`,
        ),
        el('p', {}, 'Your LMS finishes the set-up; you can close this window.'),
      );
      closeAtPlatform();
    } catch (err) {
      setState('error');
      submit.disabled = false;
      error.hidden = false;
      error.textContent =
        err instanceof ApiError && err.status === 401
          ? 'That is not the admin token of this coursecast.'
          : err instanceof Error
            ? err.message
            : String(err);
    }
  }

  app.replaceChildren(
    el('h1', {}, 'Register coursecast with your LMS'),
    el('p', {}, `The LMS at ${host} asks to add coursecast as an LTI 1.3 tool.`),
    el('p', { class: 'muted' }, "Only coursecast's administrator can allow it: enter the admin token."),
    form,
  );
  setState('ready');
}

main();
