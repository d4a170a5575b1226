import { z } from 'zod';
import type { Parse } from './config-env.js';

/**
 * A source a package may load from besides its own origin: a scheme (`https:`), an origin
 * (`https://cdn.example.com`, `http://127.0.0.1:9000`) or a host pattern (`https://*.example.com`). No paths,
 * quotes, spaces or semicolons: each is written into the package's CSP as it is.
 */
const PACKAGE_SOURCE =
  /^(?:https?:|https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?|https?:\/\/\[[0-9A-Fa-f:]+\](?::\d{1,5})?)$/;

/**
 * The `content` section: the origin interactive packages run on, never the app's (ADR 0010). On one machine it
 * is a second port of this server; behind a proxy or CDN, a second host name.
 */
export const ContentConfigSchema = z
  .strictObject({
    /** The content origin's port on `host`; default the app's port + 1 (any free port when the app's is 0). */
    port: z.number().int().min(0).max(65535).optional(),
    /** The content origin's public base URL (a host name of its own in production); default http://host:port. */
    publicUrl: z.url().optional(),
    /**
     * Where a package may load scripts, styles, fonts, images and media from besides its own origin; `https:`
     * allows any HTTPS source (CDN jQuery, web fonts), `[]` none.
     */
    packageSources: z
      .array(z.string().regex(PACKAGE_SOURCE, 'a scheme (https:), an origin or https://*.host'))
      .default(['https:']),
    /**
     * Origins of the app besides its public URL that may frame packages (e.g. the same server reached by
     * another name). The app's own origin is always allowed.
     */
    appOrigins: z.array(z.url()).default([]),
    /** A package that has not initialized the SCORM API (or painted, for HTML5) by then counts as failed. */
    loadTimeoutSeconds: z.number().min(1).max(600).default(30),
  })
  .prefault({});

/** The content section's environment variables. */
export function contentEnvVars(
  asNumber: Parse,
  asString: Parse,
  asList: Parse,
): Record<string, { path: string[]; parse: Parse }> {
  return {
    COURSECAST_CONTENT_PORT: { path: ['content', 'port'], parse: asNumber },
    COURSECAST_CONTENT_URL: { path: ['content', 'publicUrl'], parse: asString },
    COURSECAST_PACKAGE_SOURCES: {
      path: ['content', 'packageSources'],
      parse: (raw) => (raw.trim() === 'none' ? [] : asList(raw)),
    },
    COURSECAST_CONTENT_APP_ORIGINS: { path: ['content', 'appOrigins'], parse: asList },
    COURSECAST_PACKAGE_LOAD_TIMEOUT_SECONDS: { path: ['content', 'loadTimeoutSeconds'], parse: asNumber },
  };
}
