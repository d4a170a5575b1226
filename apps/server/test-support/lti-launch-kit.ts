// The platform's side of an LTI 1.3 launch against a test server, without a browser: the login initiation, the
// id_token for the nonce it produced, and the launch form post. Returns what the bridge page would be told.
import type { LtiBridgeStep } from '@coursecast/api';
import type { JWTPayload } from 'jose';
import type { TestPlatform } from './lti-test-platform.js';
import type { TestServer } from './test-server.js';

/** The claim names tests set. */
export const LTI_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
export const DL_SETTINGS = 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings';
export const AGS_ENDPOINT = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';

/** The bridge step in a `/lti/bridge#…` location. */
export function bridgeStep(location: string): LtiBridgeStep {
  if (!location.startsWith('/lti/bridge#')) throw new Error(`not the bridge: ${location}`);
  return JSON.parse(Buffer.from(location.split('#')[1]!, 'base64url').toString()) as LtiBridgeStep;
}

/** The login initiation for `target`; the bridge step, the platform's authorization request and its nonce. */
export async function ltiLogin(
  t: TestServer,
  lms: TestPlatform,
  target: string,
  extra: Record<string, string> = {},
) {
  const query = new URLSearchParams({
    iss: lms.issuer,
    login_hint: 'hint-1',
    target_link_uri: target,
    client_id: lms.clientId,
    lti_message_hint: 'msg-1',
    ...extra,
  });
  const res = await t.cc.app.inject({ method: 'GET', url: `/lti/login?${query.toString()}` });
  if (res.statusCode !== 303) throw new Error(`login answered ${res.statusCode}: ${res.body}`);
  const step = bridgeStep(String(res.headers.location));
  const auth = new URL(step.next);
  return { step, auth, nonce: auth.searchParams.get('nonce')! };
}

/** Posts a launch form (JSON errors unless `accept` says otherwise). */
export function postLaunch(t: TestServer, fields: Record<string, string>, accept = 'application/json') {
  return t.cc.app.inject({
    method: 'POST',
    url: '/lti/launch',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** A whole launch of `target` with `claims`; the learner session it gives, or throws with the answer. */
export async function ltiLaunch(
  t: TestServer,
  lms: TestPlatform,
  target: string,
  claims: JWTPayload = {},
): Promise<{ session: string; next: string }> {
  const { step, nonce } = await ltiLogin(t, lms, target);
  const idToken = await lms.idToken({ nonce, [`${LTI_CLAIM}target_link_uri`]: target, ...claims });
  const res = await postLaunch(t, { id_token: idToken, state: step.state });
  if (res.statusCode !== 303) throw new Error(`launch answered ${res.statusCode}: ${res.body}`);
  const launched = bridgeStep(String(res.headers.location));
  if (launched.step !== 'launch') throw new Error('the launch did not answer a launch step');
  return { session: launched.session, next: launched.next };
}

/** Registers the test platform with the server through the admin API (as an admin enters it by hand). */
export async function registerPlatform(t: TestServer, lms: TestPlatform): Promise<void> {
  const res = await t.cc.app.inject({
    method: 'POST',
    url: '/api/lti/platforms',
    headers: t.auth,
    payload: lms.registration(),
  });
  if (res.statusCode !== 201)
    throw new Error(`the platform registration answered ${res.statusCode}: ${res.body}`);
}

/** The learner id a learner session names (read, not verified: the server checks it). */
export function learnerIdOf(session: string): string {
  return (JSON.parse(Buffer.from(session.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
}
