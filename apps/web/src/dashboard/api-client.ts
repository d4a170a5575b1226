// The dashboard's calls to the server's admin API: the bearer token on each (the error shape is handled by
// the shared requestJson).
import { requestJson } from '../shared/http-json.js';

export { ApiError } from '../shared/http-json.js';

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

/** GETs a JSON API path with the stored token; throws ApiError on any failure (401 included). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const token = tokenStore.get();
  return requestJson<T>(path, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(signal ? { signal } : {}),
  });
}
