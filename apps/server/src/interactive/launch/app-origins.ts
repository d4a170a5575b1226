import { contentBaseUrl, publicBaseUrl, type Config } from '../../config.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::']);

/**
 * The origins the learner's page may have: those that may frame a launch and receive its messages. The app's
 * public URL, the configured extra ones, and, with no public URL on a loopback address, the app's port under
 * each loopback name (a browser on the same machine may use any of them).
 */
export function appOriginsOf(config: Config, appPort: number | undefined): string[] {
  const origins = new Set<string>([new URL(publicBaseUrl(config, appPort)).origin]);
  for (const o of config.content.appOrigins) origins.add(new URL(o).origin);
  if (!config.publicUrl && LOOPBACK.has(config.host)) {
    const port = appPort ?? config.port;
    // Not [::1]: CSP source lists have no form for IPv6 literals.
    for (const host of ['127.0.0.1', 'localhost']) origins.add(`http://${host}:${port}`);
  }
  return [...origins];
}

/** The content origin (where packages run), from its base URL. */
export function contentOriginOf(config: Config, contentPort: number | undefined): string {
  return new URL(contentBaseUrl(config, contentPort)).origin;
}
