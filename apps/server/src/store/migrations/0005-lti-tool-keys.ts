import type { Migration } from '../migrations.js';

// The LTI tool's own signing keys (RS256), as JWKs. A retired key stays published in the tool's JWKS for a while,
// so what it signed before a rotation still verifies on the platform; it is never used to sign again.
export const migration0005LtiToolKeys: Migration = {
  version: 5,
  name: 'lti-tool-keys',
  sql: `
CREATE TABLE lti_tool_keys (
  kid VARCHAR PRIMARY KEY,
  private_jwk VARCHAR NOT NULL,
  public_jwk VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  retired_at TIMESTAMPTZ
);`,
};
