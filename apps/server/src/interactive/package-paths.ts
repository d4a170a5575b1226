// Paths inside a package as manifests write them: URL references resolved against xml:base, checked so they
// never leave the package, and launch parameters merged by the IMS rule.
import { invalid } from './manifest-error.js';

/**
 * Resolves a URL reference against xml:base values, innermost first. A base is taken as a folder even
 * without a trailing slash (that is what every authoring tool means by it); dot segments are kept so the
 * launch path check can refuse them rather than silently resolve them.
 */
export function resolveAgainstBases(ref: string, bases: readonly (string | null)[]): string {
  let resolved = ref;
  for (const base of bases) {
    if (!base || isAbsoluteReference(resolved)) continue;
    resolved = (base.endsWith('/') ? base : `${base}/`) + resolved;
  }
  return resolved;
}

function isAbsoluteReference(ref: string): boolean {
  // A scheme (`http:`), a Windows drive (`C:`), or a rooted path.
  return /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('/') || ref.startsWith('\\');
}

/**
 * Checks a package-relative path and normalises it (drops `.` and empty segments). Throws
 * `invalid_manifest` when it is absolute, uses backslashes, or climbs out with `..`.
 */
export function normalizePackagePath(path: string, what = 'launch path'): string {
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  const escapes =
    path.includes('\\') || path.includes('\0') || isAbsoluteReference(path) || segments.includes('..');
  if (escapes) throw invalid(`${what} escapes the package: ${JSON.stringify(path)}`, path);
  if (segments.length === 0) throw invalid(`${what} is empty`, path);
  return segments.join('/');
}

/** A URL reference's path, query (no `?`) and fragment (no `#`). */
export function splitReference(ref: string): { path: string; query: string | null; fragment: string | null } {
  const hash = ref.indexOf('#');
  const fragment = hash < 0 ? null : ref.slice(hash + 1) || null;
  const beforeHash = hash < 0 ? ref : ref.slice(0, hash);
  const q = beforeHash.indexOf('?');
  return {
    path: q < 0 ? beforeHash : beforeHash.slice(0, q),
    query: q < 0 ? null : beforeHash.slice(q + 1) || null,
    fragment,
  };
}

/**
 * Merges the launch href's query and fragment with an item's `parameters`, following the IMS CP / ADL
 * rule: parameters starting with `#` set the fragment unless the href already has one; otherwise a
 * leading `?` or `&` is dropped and they are appended to the href's query with `&`.
 */
export function mergeLaunchParameters(
  query: string | null,
  fragment: string | null,
  parameters: string | null,
): string | null {
  let q = query;
  let f = fragment;
  if (parameters?.startsWith('#')) {
    f ??= parameters.slice(1) || null;
  } else if (parameters) {
    const hash = parameters.indexOf('#');
    const extraQuery = (hash < 0 ? parameters : parameters.slice(0, hash)).replace(/^[?&]+/, '');
    const extraFragment = hash < 0 ? null : parameters.slice(hash + 1) || null;
    if (extraQuery) q = q ? `${q}&${extraQuery}` : extraQuery;
    f ??= extraFragment;
  }
  const result = (q ? `?${q}` : '') + (f ? `#${f}` : '');
  return result || null;
}

/** A launch path, percent-decoded; `invalid_manifest` when the encoding is broken. */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw invalid(`launch path is not valid percent-encoding: ${JSON.stringify(path)}`, path);
  }
}
