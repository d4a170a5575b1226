import { ITEM_KINDS, type ItemKind } from '@coursecast/semconv';

/**
 * Every file of an interactive package is served with this policy, so the package runs in an opaque origin
 * even when opened outside our sandboxed launch frame: it can't read the server's pages, cookies or storage,
 * and can talk to nothing but this server. Inline scripts and eval stay allowed: authoring tools' exports
 * rely on both. No `frame-ancestors`: a package's own nested frames have an opaque parent, which no source
 * list matches (checked in Chromium), and the sandbox already removes what framing could steal.
 */
export const PACKAGE_CSP = [
  'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads',
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

const PACKAGE_HEADERS = { 'content-security-policy': PACKAGE_CSP, 'x-content-type-options': 'nosniff' };
const PLAIN_HEADERS = { 'x-content-type-options': 'nosniff' };

/** Security headers of a delivered file, by the kind of item it belongs to. */
export function deliveryHeaders(kind: ItemKind): Readonly<Record<string, string>> {
  return kind === ITEM_KINDS.interactive ? PACKAGE_HEADERS : PLAIN_HEADERS;
}
