import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasAdminToken, refuseAdmin } from '../auth/admin-auth.js';
import { AppError } from '../errors.js';
import { mediaUrlsFor, type MediaGrant, type MediaLinks, type MediaUrls } from './media-links.js';

/** What a learner session says, as far as access goes (the LTI tool checks its signature). */
export interface LearnerAccess {
  /** The learner's id (`lrn_…`). */
  readonly subject: string;
  /** The item the launch opened (null: an instructor's deep-linking launch). */
  readonly itemId: string | null;
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** Checks a bearer token as a learner session; throws `learner_session_required` saying why not. */
export type LearnerVerifier = (token: string) => Promise<LearnerAccess>;

/** Who asks: the admin, a learner with a session, or (public access only) anyone. */
export interface Viewer {
  readonly admin: boolean;
  readonly learner: LearnerAccess | null;
  /** What the viewer's media links are signed for; null under public access (plain `/media/` URLs). */
  readonly grant: MediaGrant | null;
}

/** The access mode's decisions, shared by the item, catalog and playback routes. */
export interface MediaAccess {
  /** Enrolled access: items and media only for a learner session (of that item's launch) or the admin. */
  readonly enrolled: boolean;
  /** The signed-link maker and checker; null under public access. */
  readonly links: MediaLinks | null;
  /**
   * The viewer of item `itemId` (null: a listing of courses or items). A wrong admin token or learner session is
   * a 401 in both modes; under enrolled access no session, or another item's, is refused (401, 403).
   */
  viewer(request: FastifyRequest, reply: FastifyReply, itemId: string | null): Promise<Viewer>;
  /** The media URLs the viewer's answers carry. */
  urls(viewer: Viewer): MediaUrls;
}

export interface MediaAccessDeps {
  enrolled: boolean;
  links: MediaLinks | null;
  adminToken: string;
  learner: LearnerVerifier;
  /** How long an admin's links last (the studio's previews); rounded up to the hour so URLs repeat. */
  adminLinkSeconds?: number;
  now?: () => number;
}

const ANYONE: Viewer = { admin: false, learner: null, grant: null };

/** Builds the access decisions for one mode. */
export function createMediaAccess(deps: MediaAccessDeps): MediaAccess {
  const now = deps.now ?? (() => Date.now());
  const adminSeconds = deps.adminLinkSeconds ?? 4 * 3600;
  if (deps.enrolled && deps.links === null) throw new Error('enrolled access needs signed media links');
  const adminGrant = (): MediaGrant => ({
    subject: 'admin',
    expiresAt: Math.ceil((now() / 1000 + adminSeconds) / 3600) * 3600,
  });

  return {
    enrolled: deps.enrolled,
    links: deps.enrolled ? deps.links : null,
    async viewer(request, reply, itemId) {
      // Other schemes pass as no credentials: a site behind HTTP basic auth sends its own with every request.
      const header = request.headers.authorization ?? '';
      if (!/^Bearer(\s|$)/i.test(header)) {
        if (!deps.enrolled) return ANYONE;
        void reply.header('www-authenticate', 'Bearer realm="coursecast"');
        throw new AppError(
          'learner_session_required',
          'This server is for enrolled learners: open coursecast from the link in your course',
        );
      }
      if (hasAdminToken(header, deps.adminToken)) {
        return { admin: true, learner: null, grant: deps.enrolled ? adminGrant() : null };
      }
      // A learner session is a JWS (three dot-separated parts); anything else was meant as the admin token, and
      // a wrong one is refused rather than passing silently for a stranger.
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (bearer === undefined || bearer.split('.').length !== 3) refuseAdmin(reply, header);
      let learner: LearnerAccess;
      try {
        learner = await deps.learner(bearer);
      } catch (err) {
        // Public items need no session: an expired one a page kept still gets the public answer.
        if (!deps.enrolled && err instanceof AppError) return ANYONE;
        throw err;
      }
      if (deps.enrolled && (itemId === null || learner.itemId !== itemId)) {
        throw new AppError(
          'learner_forbidden',
          itemId === null
            ? 'A learner session opens the item of its launch, not a listing'
            : `This learner session was launched for another item than ${itemId}`,
        );
      }
      return {
        admin: false,
        learner,
        grant: deps.enrolled ? { subject: learner.subject, expiresAt: learner.expiresAt } : null,
      };
    },
    urls: (viewer) => mediaUrlsFor(deps.enrolled ? deps.links : null, viewer.grant),
  };
}
