import { z } from 'zod';
import type { LtiStore } from '../store/index.js';
import { signedTokenKind, type SignedTokenKind } from './signed-token.js';

/**
 * The OIDC `state` of a login: signed by the tool and carried by the flow itself (no cookie), so the launch can
 * check it came from a login this tool started, for this platform, with this nonce. The login's own parameters
 * ride along so that a browser that cannot keep the state in a frame can run the same login in a new window.
 */
export const LaunchStateSchema = z.object({
  /** The nonce the id_token must carry. */
  n: z.string(),
  /** The platform registration the login was for. */
  p: z.string(),
  /** The login initiation's parameters, as the platform sent them (without the storage target). */
  l: z.record(z.string(), z.string()),
});
/** A launch state's claims. */
export type LaunchState = z.infer<typeof LaunchStateSchema>;

/** Signs and checks launch states with the store's `lti-state` secret. */
export function launchStates(
  store: Pick<LtiStore, 'serverSecret'>,
  now?: () => number,
): SignedTokenKind<LaunchState> {
  return signedTokenKind(store, 'lti-state', LaunchStateSchema, now);
}
