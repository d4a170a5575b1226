import { AppError } from '../errors.js';
import type { CatalogStore } from '../store/index.js';
import { CLAIMS, MESSAGE_TYPES, type LaunchClaims } from './lti-claims.js';

/** The picker an instructor's deep-linking launch opens. */
export const PICKER_PATH = '/lti/picker';

/** Item pages a resource link may open: `/watch/:id` (lectures) and `/learn/:id` (documents, modules). */
const ITEM_PAGE = /^\/(?:watch|learn)\/([A-Za-z0-9_-]{1,64})\/?$/;

/** Where a verified launch goes: the item's page (and which item), or the picker. */
export interface Destination {
  path: string;
  itemId: string | null;
}

/** The item a resource link names: its `custom.item`, else the item page its target link URI points at. */
function linkedItemId(claims: LaunchClaims, base: string): string | null {
  const custom = claims[CLAIMS.custom]?.['item'];
  if (typeof custom === 'string' && custom !== '') return custom;
  const target = new URL(claims[CLAIMS.targetLinkUri]);
  if (target.origin !== new URL(base).origin) return null;
  return ITEM_PAGE.exec(target.pathname)?.[1] ?? null;
}

/**
 * The page a launch opens: a deep-linking launch the picker (instructors only); a resource link the watch page
 * of its lecture or the learn page of its document or module, if the item still exists.
 */
export async function launchDestination(
  claims: LaunchClaims,
  instructor: boolean,
  store: Pick<CatalogStore, 'getItem'>,
  base: string,
): Promise<Destination> {
  if (claims[CLAIMS.messageType] === MESSAGE_TYPES.deepLinking) {
    const settings = claims[CLAIMS.deepLinkingSettings];
    if (!settings)
      throw new AppError('lti_token_invalid', 'The deep-linking launch has no deep_linking_settings claim');
    if (!settings.accept_types.includes('ltiResourceLink'))
      throw new AppError(
        'lti_token_invalid',
        'The platform does not accept LTI resource links in this place',
      );
    if (!instructor)
      throw new AppError(
        'learner_forbidden',
        'Only an instructor can choose content (the launch has no such role)',
      );
    const multiple = settings.accept_multiple === true || settings.accept_multiple === 'true';
    // The page's policy lets its form post to the platform's return URL (on a school's host for Canvas).
    const back = encodeURIComponent(new URL(settings.deep_link_return_url).origin);
    return { path: `${PICKER_PATH}?multiple=${multiple ? 1 : 0}&return=${back}`, itemId: null };
  }
  if (!claims[CLAIMS.resourceLink])
    throw new AppError('lti_token_invalid', 'The resource link launch has no resource_link claim');
  const itemId = linkedItemId(claims, base);
  if (!itemId) {
    throw new AppError(
      'lti_token_invalid',
      `The launch's target ${claims[CLAIMS.targetLinkUri]} is not a coursecast lecture, document or module`,
    );
  }
  const item = await store.getItem(itemId);
  if (!item)
    throw new AppError('item_not_found', `The item this link opens (${itemId}) was removed from coursecast`);
  const page = item.kind === 'video' ? 'watch' : 'learn';
  return { path: `/${page}/${item.id}?course=${encodeURIComponent(item.courseId)}`, itemId: item.id };
}
