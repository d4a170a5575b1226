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

/**
 * The policy of a package's files on the content origin (ADR 0010). No `sandbox`: the package keeps the content
 * origin, so the standard API discovery reaches the launch frame, its frames script each other and workers
 * start. What it can reach is bounded instead: its own origin, plus `sources` (default `https:`) for scripts,
 * styles, fonts, images and media; framed only within a launch frame of the app's (`frame-ancestors` checks
 * every ancestor: the launch frame is its own origin, the learner's page is the app's); no form posts elsewhere.
 */
export function contentPackageCsp(sources: readonly string[], appOrigins: readonly string[]): string {
  const ext = sources.length > 0 ? ` ${sources.join(' ')}` : '';
  return [
    `default-src 'self'${ext}`,
    `script-src 'self' 'unsafe-inline' 'unsafe-eval'${ext}`,
    `style-src 'self' 'unsafe-inline'${ext}`,
    `img-src 'self' data: blob:${ext}`,
    `media-src 'self' data: blob:${ext}`,
    `font-src 'self' data:${ext}`,
    `connect-src 'self'${ext}`,
    "frame-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors 'self' ${appOrigins.join(' ')}`,
  ].join('; ');
}

/** Security headers of a file on the content origin: packages only (anything else is not served there). */
export function contentDeliveryHeaders(
  sources: readonly string[],
  appOrigins: () => readonly string[],
): (kind: ItemKind) => Readonly<Record<string, string>> | null {
  // The app's origins are known once it listens: the headers are made then, and again only if they change.
  let key = '';
  let headers: Readonly<Record<string, string>> = {};
  return (kind) => {
    if (kind !== ITEM_KINDS.interactive) return null;
    const origins = appOrigins();
    if (origins.join(' ') !== key) {
      key = origins.join(' ');
      headers = {
        'content-security-policy': contentPackageCsp(sources, origins),
        'x-content-type-options': 'nosniff',
      };
    }
    return headers;
  };
}
