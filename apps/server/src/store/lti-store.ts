// The catalog store's LTI part (its contract; the embedded store implements it in duckdb-catalog-lti*.ts).

/** One of the LTI tool's signing keys: JWKs as JSON text (the private one never leaves the server). */
export interface ToolKey {
  kid: string;
  privateJwk: string;
  publicJwk: string;
  createdAt: string;
  /** When a newer key took over; null for the key in use. */
  retiredAt: string | null;
}

/** An LMS registered with the tool: how its launches are checked and where the tool reaches it. */
export interface LtiPlatform {
  id: string;
  /** The platform's `iss`, exactly as its id_tokens carry it. */
  issuer: string;
  /** The tool's client id at this platform (the id_token's `aud`). */
  clientId: string;
  name: string;
  /** The OIDC authorization endpoint the login initiation redirects to. */
  authLoginUrl: string;
  /** The OAuth 2 token endpoint (client credentials, for Assignment and Grade Services). */
  tokenUrl: string;
  /** Where the platform publishes the keys its id_tokens are signed with. */
  jwksUrl: string;
  /** The `aud` of the tool's client assertions when it is not the token URL; null: the token URL. */
  tokenAudience: string | null;
  /** The deployments of the tool at this platform that may launch it; none: any deployment of the client id. */
  deploymentIds: string[];
  createdAt: string;
}

/** What registers a platform. */
export type NewLtiPlatform = Omit<LtiPlatform, 'createdAt'>;
/** The mutable fields of a platform. */
export type LtiPlatformPatch = Partial<
  Pick<LtiPlatform, 'name' | 'authLoginUrl' | 'tokenUrl' | 'jwksUrl' | 'tokenAudience' | 'deploymentIds'>
>;

/** Who a launch named: pseudonymous by default (a name and an email only when the operator keeps them). */
export interface Learner {
  id: string;
  issuer: string;
  deploymentId: string;
  subject: string;
  name: string | null;
  email: string | null;
  createdAt: string;
}

/** The identity a launch carries, and the id a new learner gets. */
export type LearnerIdentity = Pick<Learner, 'id' | 'issuer' | 'deploymentId' | 'subject' | 'name' | 'email'>;

/** The LTI tool's persistence: its keys, its platforms, launch nonces, learners and its secrets. */
export interface LtiStore {
  /** The LTI tool's keys, newest first. */
  listToolKeys(): Promise<ToolKey[]>;
  /** Adds `key` as the one in use and retires the others at its creation time, in one transaction. */
  rotateToolKey(key: Omit<ToolKey, 'createdAt' | 'retiredAt'>): Promise<ToolKey>;
  /** Removes the keys retired before `before` (ISO time); how many. */
  dropRetiredToolKeys(before: string): Promise<number>;
  /** StoreError 'conflict' when the platform's (issuer, client id) or its id is registered already. */
  createLtiPlatform(platform: NewLtiPlatform): Promise<LtiPlatform>;
  /** Oldest first. */
  listLtiPlatforms(): Promise<LtiPlatform[]>;
  getLtiPlatform(id: string): Promise<LtiPlatform | null>;
  /** The registrations of one issuer (a platform may hold the tool under several client ids). */
  findLtiPlatforms(issuer: string): Promise<LtiPlatform[]>;
  /** Null when there is no such platform. */
  updateLtiPlatform(id: string, patch: LtiPlatformPatch): Promise<LtiPlatform | null>;
  /** False when there is no such platform. */
  deleteLtiPlatform(id: string): Promise<boolean>;
  /**
   * Records a launch's nonce; false when that issuer's nonce was recorded before (a replay). Nonces past their
   * expiry are forgotten along the way (a replay after it is refused by the id_token's own expiry).
   */
  useLtiNonce(issuer: string, nonce: string, expiresAt: string): Promise<boolean>;
  /** The learner of (issuer, deployment, subject), created with `identity.id` when new; name and email updated. */
  upsertLearner(identity: LearnerIdentity): Promise<Learner>;
  getLearner(id: string): Promise<Learner | null>;
  /** The learners with progress or an attempt in an item. */
  listItemLearners(itemId: string): Promise<Learner[]>;
  /**
   * The server's secret called `name`, made by `make` the first time any process asks (every process of the store
   * then shares it).
   */
  serverSecret(name: string, make: () => string): Promise<string>;
}
