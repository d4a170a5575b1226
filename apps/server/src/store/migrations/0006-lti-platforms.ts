import type { Migration } from '../migrations.js';

// LTI 1.3: the platforms (LMSs) an admin registered or that registered themselves (Dynamic Registration), the
// nonces of accepted launches (each is accepted once), the learners the launches named, and the server's own
// secrets (what signs the launch state and learner sessions, shared by every process of the store).
// Learners are pseudonymous: (issuer, deployment, subject) is who they are; a name and an email are kept only when
// the operator allows it. The deployment ids are a JSON array: a platform has few and they change together.
export const migration0006LtiPlatforms: Migration = {
  version: 6,
  name: 'lti-platforms',
  sql: `
CREATE TABLE lti_platforms (
  id VARCHAR PRIMARY KEY,
  issuer VARCHAR NOT NULL,
  client_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  auth_login_url VARCHAR NOT NULL,
  token_url VARCHAR NOT NULL,
  jwks_url VARCHAR NOT NULL,
  token_audience VARCHAR,
  deployment_ids VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  UNIQUE (issuer, client_id)
);
CREATE TABLE lti_nonces (
  issuer VARCHAR NOT NULL,
  nonce VARCHAR NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (issuer, nonce)
);
CREATE TABLE learners (
  id VARCHAR PRIMARY KEY,
  issuer VARCHAR NOT NULL,
  deployment_id VARCHAR NOT NULL,
  subject VARCHAR NOT NULL,
  name VARCHAR,
  email VARCHAR,
  created_at TIMESTAMPTZ NOT NULL,
  UNIQUE (issuer, deployment_id, subject)
);
CREATE TABLE server_secrets (
  name VARCHAR PRIMARY KEY,
  secret VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);`,
};
