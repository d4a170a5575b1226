import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Item, LtiPlatform } from '../store/index.js';
import { CLAIMS } from './lti-claims.js';
import { TOOL_ALG, type ToolKeyring } from './tool-keyring.js';

/** How long the platform may take to receive the response. */
const RESPONSE_TTL_SECONDS = 600;

/** The grade column each placed item gets: a lecture's watched share or a module's score, out of 100. */
export const SCORE_MAXIMUM = 100;

/** One chosen item as a Deep Linking 2.0 `ltiResourceLink` content item. */
export function resourceLinkItem(item: Item, base: string): Record<string, unknown> {
  const page = item.kind === 'video' ? 'watch' : 'learn';
  return {
    type: 'ltiResourceLink',
    title: item.title,
    url: `${base}/${page}/${item.id}`,
    // The item's id also travels as a custom parameter: the link survives a change of the tool's address.
    custom: { item: item.id },
    lineItem: {
      scoreMaximum: SCORE_MAXIMUM,
      label: item.title,
      resourceId: item.id,
      tag: `coursecast-${item.kind}`,
    },
  };
}

/** The `LtiDeepLinkingResponse` JWT the tool signs for the platform. */
export async function signDeepLinkResponse(o: {
  keyring: ToolKeyring;
  platform: LtiPlatform;
  deploymentId: string;
  items: Record<string, unknown>[];
  data: string | null;
  now: number;
}): Promise<string> {
  const { kid, key } = await o.keyring.signingKey();
  const at = Math.floor(o.now / 1000);
  const message =
    o.items.length === 0 ? 'Nothing was added.' : `${o.items.length} item(s) added from coursecast.`;
  return new SignJWT({
    nonce: randomUUID(),
    [CLAIMS.messageType]: 'LtiDeepLinkingResponse',
    [CLAIMS.version]: '1.3.0',
    [CLAIMS.deploymentId]: o.deploymentId,
    [CLAIMS.dlContentItems]: o.items,
    [CLAIMS.dlMessage]: message,
    ...(o.data !== null ? { [CLAIMS.dlData]: o.data } : {}),
  })
    .setProtectedHeader({ alg: TOOL_ALG, kid, typ: 'JWT' })
    .setIssuer(o.platform.clientId)
    .setAudience(o.platform.issuer)
    .setIssuedAt(at)
    .setExpirationTime(at + RESPONSE_TTL_SECONDS)
    .sign(key);
}
