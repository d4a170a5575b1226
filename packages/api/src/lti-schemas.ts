import { z } from 'zod';

/** One public key of the tool's JWKS (RFC 7517), RS256. */
export const ToolPublicKeySchema = z.looseObject({
  kty: z.literal('RSA'),
  kid: z.string(),
  alg: z.literal('RS256'),
  use: z.literal('sig'),
  n: z.string(),
  e: z.string(),
});

/** `GET /lti/jwks` (public): the keys platforms verify the tool's messages with. */
export const ToolJwksSchema = z.object({ keys: z.array(ToolPublicKeySchema) });
/** The tool's JWKS. */
export type ToolJwks = z.infer<typeof ToolJwksSchema>;

/** `POST /api/lti/keys/rotate` (201, admin): the key now in use, and where the JWKS is. */
export const ToolKeyRotationResponseSchema = z.object({ kid: z.string(), jwks: z.string() });
/** A rotation's answer. */
export type ToolKeyRotationResponse = z.infer<typeof ToolKeyRotationResponseSchema>;
