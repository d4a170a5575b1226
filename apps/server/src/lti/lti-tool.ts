import type { Meter } from '@opentelemetry/api';
import { createRateLimiter, type RateLimiter } from '../auth/rate-limiter.js';
import { createAgsClient } from './ags-client.js';
import { createScoreOutbox, type ScoreOutbox } from './score-outbox.js';
import type { Config } from '../config.js';
import type { CatalogStore } from '../store/index.js';
import { createLaunchVerifier, type VerifiedLaunch } from './launch-verifier.js';
import { learnerSessions, type LearnerSession } from './learner-session.js';
import type { SignedTokenKind } from './signed-token.js';
import { createPlatformKeys, type PlatformKeys } from './platform-keys.js';
import { createPlatformOrigins, type PlatformOrigins } from './platform-origins.js';
import { createToolKeyring, type ToolKeyring } from './tool-keyring.js';

/** The LTI tool's parts, shared by its routes and the web pages' framing policy. */
export interface LtiTool {
  keyring: ToolKeyring;
  platformKeys: PlatformKeys;
  verify: (idToken: string) => Promise<VerifiedLaunch>;
  origins: PlatformOrigins;
  loginLimiter: RateLimiter;
  /** The learner sessions launches hand out and the learner routes accept. */
  sessions: SignedTokenKind<LearnerSession>;
  /** Delivers queued scores to the platforms' gradebooks. */
  outbox: ScoreOutbox;
}

export interface LtiToolDeps {
  store: CatalogStore;
  config: Config['lti'];
  meter: Meter;
  log: (message: string) => void;
}

/** Builds the tool on the catalog store with the `lti` configuration. */
export async function createLtiTool({ store, config, meter, log }: LtiToolDeps): Promise<LtiTool> {
  const keyring = createToolKeyring({ store, retiredGraceMs: config.retiredKeyGraceSeconds * 1000 });
  const platformKeys = createPlatformKeys({ timeoutMs: config.platformTimeoutMs });
  const origins = createPlatformOrigins(store, config.frameAncestors);
  await origins.refresh();
  return {
    keyring,
    outbox: createScoreOutbox({
      store,
      client: createAgsClient({ keyring, timeoutMs: config.platformTimeoutMs }),
      meter,
      log,
    }),
    platformKeys,
    verify: createLaunchVerifier({ store, keys: platformKeys, clockSkewSeconds: config.clockSkewSeconds }),
    origins,
    sessions: learnerSessions(store),
    loginLimiter: createRateLimiter({
      perSecond: config.loginRatePerSecond,
      burst: config.loginBurst,
      maxClients: 100_000,
    }),
  };
}
