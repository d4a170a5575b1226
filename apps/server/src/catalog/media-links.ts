import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';
import { mediaUrlPath } from './content-url.js';

// Signed media links (ADR 0013): `/m/<expires>.<subject>.<signature>/<item>/<version>/<file...>`. One link covers a
// whole item version (its playlists, segments, poster, a package's files, all relative to one another), so a
// player needs one signature per item and the edge keeps one cached copy per object whoever asked: the cache key
// is the canonical `/media/<item>/<version>/<file>`. The signature is MD5 over the link's facts and the shared key,
// the construction nginx's secure_link module verifies, so an nginx edge checks the same links without a script.

/** URL prefix of signed links, on the app (through its edge) and on the content origin. */
export const MEDIA_LINK_PREFIX = '/m/';
/** What an edge asks the origin for a signed link: the same link, checked again there. */
export const ORIGIN_LINK_PREFIX = '/origin/m/';

/** Whom a link is for and until when (unix seconds): a learner session's subject and expiry, or the admin's. */
export interface MediaGrant {
  readonly subject: string;
  readonly expiresAt: number;
}

/** A checked link: its own segment, the canonical rest (`<item>/<version>/<file...>`, still encoded), its expiry. */
export interface OpenedLink {
  readonly link: string;
  readonly rest: string;
  /** Unix ms after which it is refused. */
  readonly expiresMs: number;
}

/** Makes and checks signed media links with one key. */
export interface MediaLinks {
  /** The link segment for one item version (no slashes): `<expires>.<subject>.<signature>`. */
  sign(itemId: string, version: string, grant: MediaGrant): string;
  /** Checks `<link>/<item>/<version>/<file...>` (after the prefix); throws `media_link_refused` saying why. */
  open(raw: string): OpenedLink;
}

/** Why an expired link is refused, in the learner's words. */
export const LINK_EXPIRED = 'The media link has expired: open the lecture from your course again';

const LINK = /^([0-9]{1,12})\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{22})$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The signature nginx's `secure_link_md5 "$expires $item/$version $subject <key>"` computes. */
function signature(key: string, expires: string, itemId: string, version: string, subject: string): string {
  return createHash('md5').update(`${expires} ${itemId}/${version} ${subject} ${key}`).digest('base64url');
}

/** Links whose signature was checked, remembered before the memo starts over. */
const MAX_VERIFIED = 10_000;

/** Links signed with `key`; `now` (ms) decides expiry. */
export function createMediaLinks(key: string, now: () => number = () => Date.now()): MediaLinks {
  const verified = new Map<string, number>();
  return {
    sign(itemId, version, grant) {
      if (!ID.test(grant.subject)) throw new Error(`media link subject ${grant.subject} is not an id`);
      const expires = String(Math.floor(grant.expiresAt));
      return `${expires}.${grant.subject}.${signature(key, expires, itemId, version, grant.subject)}`;
    },
    open(raw) {
      const slash = raw.indexOf('/');
      const link = slash < 0 ? raw : raw.slice(0, slash);
      const rest = raw.slice(slash + 1);
      const [itemId = '', version = ''] = rest.split('/', 2);
      // A player asks for hundreds of objects under one link: its signature is checked once, its expiry every time.
      const memo = `${link} ${itemId}/${version}`;
      let expiresMs = verified.get(memo);
      if (expiresMs === undefined) {
        const match = LINK.exec(link);
        if (!match) throw new AppError('media_link_refused', 'The media link is malformed');
        const [, expires = '', subject = '', given = ''] = match;
        if (slash < 0 || !ID.test(itemId) || !ID.test(version)) {
          throw new AppError('media_link_refused', 'The media link names no item version');
        }
        const wanted = Buffer.from(signature(key, expires, itemId, version, subject));
        const got = Buffer.from(given);
        if (wanted.length !== got.length || !timingSafeEqual(wanted, got)) {
          throw new AppError(
            'media_link_refused',
            'The media link was not signed by this server for this item',
          );
        }
        expiresMs = Number(expires) * 1000;
        if (verified.size >= MAX_VERIFIED) verified.clear();
        verified.set(memo, expiresMs);
      }
      if (expiresMs <= now()) {
        throw new AppError('media_link_refused', LINK_EXPIRED);
      }
      return { link, rest, expiresMs };
    },
  };
}

/** The URL path of a file under a link: `/m/<link>/<item>/<version>/<file>` (`file` already encoded). */
export function linkedPath(link: string, itemId: string, version: string, file: string): string {
  return `${MEDIA_LINK_PREFIX}${link}/${encodeURIComponent(itemId)}/${encodeURIComponent(version)}/${file}`;
}

/** The links of an access mode: made with `mediaKey` under enrolled access, none under public access. */
export function mediaLinksFor(lti: {
  readonly access: 'public' | 'enrolled';
  readonly mediaKey: string | null;
}): MediaLinks | null {
  if (lti.access === 'public') return null;
  if (lti.mediaKey === null) throw new Error('enrolled access needs a media key');
  return createMediaLinks(lti.mediaKey);
}

/** Content URL paths for one viewer: plain `/media/` ones under public access, signed links under enrolled. */
export interface MediaUrls {
  /** The URL path of a file of an item version (`file` already encoded). */
  path(itemId: string, version: string, file: string): string;
  /** The link segment of an item version; null for plain paths. */
  link(itemId: string, version: string): string | null;
}

/** Plain `/media/` paths: public access, and admin answers that carry no grant. */
export const PLAIN_MEDIA_URLS: MediaUrls = { path: mediaUrlPath, link: () => null };

/** The URLs for a grant: signed under `links` when both are given, plain otherwise. */
export function mediaUrlsFor(links: MediaLinks | null, grant: MediaGrant | null): MediaUrls {
  if (links === null || grant === null) return PLAIN_MEDIA_URLS;
  const link = (itemId: string, version: string): string => links.sign(itemId, version, grant);
  return {
    link,
    path: (itemId, version, file) => linkedPath(link(itemId, version), itemId, version, file),
  };
}
