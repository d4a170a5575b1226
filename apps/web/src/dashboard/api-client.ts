// The dashboard's calls to the server's admin API: the bearer token on each, and the API's error shape
// (`{ error: { code, message } }`) turned into one error type with the HTTP status.

const TOKEN_KEY = 'coursecast.adminToken';

/** The admin token of this tab (sessionStorage: gone when the tab closes, never shared with other tabs). */
export const tokenStore = {
  get(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

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

/** GETs a JSON API path with the stored token; throws ApiError on any failure (401 included). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const token = tokenStore.get();
  let res: Response;
  try {
    res = await fetch(path, {
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
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
