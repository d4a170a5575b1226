import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorBodySchema } from '@coursecast/api';

// The LTI login and launch are browser navigations inside an LMS frame: their errors are shown to a person, so a
// browser gets the same status and message as a small page; an API client (or a test) asking for JSON gets the
// JSON error body as everywhere else.

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** True for a browser's page load (a document or a frame), not a fetch or an API client. */
export function wantsPage(request: FastifyRequest): boolean {
  const dest = request.headers['sec-fetch-dest'];
  if (dest === 'document' || dest === 'iframe' || dest === 'frame') return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

/** The page of an error answer. */
export function errorPage(status: number, code: string, message: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>coursecast: the launch did not work</title>' +
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f}' +
    'code{background:#eef;padding:0 .25rem}</style></head><body>' +
    `<h1>The launch did not work</h1><p>${escapeHtml(message)}</p>` +
    `<p>Error <code>${escapeHtml(code)}</code> (HTTP ${status}). Try the link in your course again; if it keeps ` +
    'failing, tell your course administrator what this page says.</p></body></html>'
  );
}

/** Turns the JSON error answers of the routes in `app` into pages for browsers. */
export function htmlErrorsForBrowsers(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string' || !wantsPage(request)) return payload;
    let parsed;
    try {
      parsed = ErrorBodySchema.safeParse(JSON.parse(payload));
    } catch {
      return payload;
    }
    if (!parsed.success) return payload;
    void reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'");
    return errorPage(reply.statusCode, parsed.data.error.code, parsed.data.error.message);
  });
}
