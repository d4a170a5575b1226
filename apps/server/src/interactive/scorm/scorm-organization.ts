// The launched organization of imsmanifest.xml as an activity tree: titles, nesting, hidden items, what each
// leaf launches with its launch data, and (2004) each activity's sequencing. It is the table of contents the
// launch frame shows and the tree its sequencer walks.
import type { ScormActivity } from '@coursecast/api';
import { PACKAGE_TYPES } from '@coursecast/semconv';
import { invalid } from '../manifest-error.js';
import { decodePath, mergeLaunchParameters, normalizePackagePath, splitReference } from '../package-paths.js';
import { launchDataOf } from './scorm-launch-data.js';
import type { ScormResource, ScormVersion } from './scorm-manifest.js';
import { effectiveSequencingNode, readSequencing } from './scorm-sequencing.js';
import { attr, child, children, textOf, type XmlNode } from './scorm-xml.js';

/** Most activities an organization may have: real courses have tens, the largest catalogues a few hundred. */
export const MAX_ACTIVITIES = 2000;
/** Deepest nesting of items accepted. */
export const MAX_ACTIVITY_DEPTH = 32;

export interface OrganizationContext {
  type: ScormVersion;
  resources: readonly ScormResource[];
  /** The manifest's `<imsss:sequencingCollection>` entries by ID. */
  collection: ReadonlyMap<string, XmlNode>;
  warn: (message: string) => void;
}

/** The organization's activity tree, and the first leaf an LMS launches (depth first), with its element. */
export interface Organization {
  root: ScormActivity;
  first: { activity: ScormActivity; item: XmlNode; sequencing: XmlNode | undefined } | null;
}

/** The manifest's sequencingCollection, by ID. */
export function sequencingCollectionOf(manifest: XmlNode): Map<string, XmlNode> {
  const entries = children(child(manifest, 'sequencingCollection'), 'sequencing');
  return new Map(
    entries.flatMap((s) => {
      const id = attr(s, 'ID');
      return id ? [[id, s] as const] : [];
    }),
  );
}

function launchOf(item: XmlNode, resources: readonly ScormResource[]): ScormActivity['launch'] {
  const ref = attr(item, 'identifierref');
  if (!ref) return null;
  const resource = resources.find((r) => r.identifier === ref);
  if (!resource) throw invalid(`identifierref "${ref}" names no resource`, ref);
  if (!resource.href) throw invalid(`resource "${ref}" has no href`, ref);
  const { path, query, fragment } = splitReference(resource.href);
  return {
    path: normalizePackagePath(decodePath(path)),
    parameters: mergeLaunchParameters(query, fragment, attr(item, 'parameters')),
  };
}

/** Reads the organization element into its activity tree. Throws ManifestError when it is too big to run. */
export function readOrganization(organization: XmlNode, ctx: OrganizationContext): Organization {
  let count = 0;
  let first: Organization['first'] = null;
  const is2004 = ctx.type === PACKAGE_TYPES.scorm2004;

  const activityOf = (node: XmlNode, depth: number, isRoot: boolean): ScormActivity => {
    if (++count > MAX_ACTIVITIES) {
      throw invalid(`the organization has more than ${MAX_ACTIVITIES} items: too many to launch`);
    }
    if (depth > MAX_ACTIVITY_DEPTH) {
      throw invalid(`items are nested more than ${MAX_ACTIVITY_DEPTH} deep in the organization`);
    }
    const id = attr(node, 'identifier') ?? `item-${count}`;
    const where = `item "${id}"`;
    const sequencingNode = is2004
      ? effectiveSequencingNode(child(node, 'sequencing'), ctx.collection, where, ctx.warn)
      : undefined;
    const launch = isRoot ? null : launchOf(node, ctx.resources);
    const activity: ScormActivity = {
      id,
      title: textOf(node.title) ?? id,
      visible: attr(node, 'isvisible') !== 'false',
      launch,
      children: [],
    };
    if (launch) {
      const launchData = launchDataOf(node, ctx.type, sequencingNode);
      if (Object.keys(launchData).length > 0) activity.launchData = launchData;
      first ??= { activity, item: node, sequencing: sequencingNode };
    }
    const sequencing = is2004 ? readSequencing(sequencingNode, where, ctx.warn) : undefined;
    if (sequencing) activity.sequencing = sequencing;
    // A leaf's children would be ignored by every LMS: an item launches or holds items, never both.
    if (!launch) activity.children = children(node, 'item').map((c) => activityOf(c, depth + 1, false));
    return activity;
  };

  const root = activityOf(organization, 0, true);
  return { root, first };
}
