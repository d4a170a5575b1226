// JSON calls to the server's API, with its error shape (`{ error: { code, message } }`) turned into one error
// type carrying the HTTP status. Shared by the dashboard (which adds its admin token) and the learner pages
// (which never send one).

/** A failed API call: the HTTP status (0 when the server could not be reached) and the API's error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** fetch()'s options, with headers as a plain record (merged over `accept: application/json`). */
export type JsonRequestInit = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

/** Fetches an API path and parses its JSON answer (null for an empty one); throws ApiError on any failure. */
export async function requestJson<T>(path: string, init: JsonRequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new ApiError(0, 'unreachable', 'The server could not be reached');
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page, say): the status line says enough.
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${res.status}`;
    const message =
      typeof error?.message === 'string' ? error.message : `${res.status} ${res.statusText}`.trim();
    throw new ApiError(res.status, code, message);
  }
  return body as T;
}
