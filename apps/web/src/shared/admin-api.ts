// The admin pages' (dashboard, studio) calls to the server's admin API: the bearer token of this tab on each
// (the error shape is handled by the shared requestJson).
import { requestJson, type JsonRequestInit } from './http-json.js';

export { ApiError } from './http-json.js';

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

/** The Authorization header of the stored token (none without one). */
export function adminHeaders(): Record<string, string> {
  const token = tokenStore.get();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** GETs a JSON API path with the stored token; throws ApiError on any failure (401 included). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, { headers: adminHeaders(), ...(signal ? { signal } : {}) });
}

/** Sends `body` (JSON, when given) with `method` and the stored token; the JSON answer (null when empty). */
export async function sendJson<T>(
  method: string,
  path: string,
  body?: unknown,
  init: JsonRequestInit = {},
): Promise<T> {
  return requestJson<T>(path, {
    ...init,
    method,
    headers: {
      ...adminHeaders(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
