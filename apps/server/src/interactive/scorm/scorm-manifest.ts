import type { ScormActivity } from '@coursecast/api';
import { PACKAGE_TYPES } from '@coursecast/semconv';
import { XMLValidator } from 'fast-xml-parser';
import { invalid, ManifestError, MANIFEST_REJECTIONS } from '../manifest-error.js';
import { resolveAgainstBases } from '../package-paths.js';
import { attr, child, children, isNode, parseManifestXml, textOf, type XmlNode } from './scorm-xml.js';
import { readOrganization, sequencingCollectionOf } from './scorm-organization.js';

export { ManifestError, MANIFEST_REJECTIONS, type ManifestRejection } from '../manifest-error.js';
export { mergeLaunchParameters, normalizePackagePath } from '../package-paths.js';

// What an interactive package is, and why one is refused: semconv's values (span attributes, metric labels).
export { PACKAGE_TYPES, type PackageType } from '@coursecast/semconv';
export type ScormVersion = typeof PACKAGE_TYPES.scorm12 | typeof PACKAGE_TYPES.scorm2004;

/** The largest imsmanifest.xml accepted: real ones are a few KiB, the biggest course catalogues well under 1 MiB. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface ScormResource {
  identifier: string;
  /** The resource's href resolved against xml:base, still a URL reference (not percent-decoded, query kept). */
  href: string | null;
  scormType: 'sco' | 'asset' | null;
  /** The `<file href>` values resolved against xml:base, as URL references like `href`. */
  files: string[];
}

export interface ScormManifest {
  type: ScormVersion;
  title: string | null;
  /** Package-relative path of the launch file: xml:base applied, percent-decoded, no query or fragment. */
  launch: string;
  /**
   * What to append to the launch URL, starting with `?` or `#` (e.g. `?lang=en#start`): the href's own
   * query and fragment merged with the item's `parameters` (see {@link mergeLaunchParameters}); null when none.
   */
  launchParameters: string | null;
  resources: ScormResource[];
  /** What was tolerated as real LMSs tolerate it (Moodle, SCORM Cloud), each said in a sentence. */
  warnings: string[];
  /**
   * What the launched item gives the runtime at launch, by CMI element: launch data, mastery score or
   * completion threshold and passing score, time limit and its action. Values the runtime would not accept are
   * left out.
   */
  launchData: Record<string, string>;
  /** The launched organization's activity tree (table of contents, sequencing). */
  organization: ScormActivity;
}

function lineAndColumn(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  return { line: before.split('\n').length, col: index - before.lastIndexOf('\n') };
}

/** The DOCTYPE declaration and root start tag, found by skipping the prolog (PIs, comments, whitespace). */
function readProlog(xml: string): { doctype: string | null; rootStart: string | null } {
  let doctype: string | null = null;
  let i = 0;
  while (i < xml.length) {
    while (i < xml.length && /\s/.test(xml[i] ?? '')) i++;
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i);
      if (end < 0) break;
      i = end + 2;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) break;
      i = end + 3;
    } else if (/^<!DOCTYPE/i.test(xml.slice(i, i + 9))) {
      const end = endOfMarkup(xml, i, true);
      doctype = xml.slice(i, end);
      i = end;
    } else if (xml[i] === '<') {
      return { doctype, rootStart: xml.slice(i, endOfMarkup(xml, i, false)) };
    } else {
      break;
    }
  }
  return { doctype, rootStart: null };
}

/** Index just past the `>` closing the markup at `start`, skipping quoted values and a DOCTYPE's `[...]`. */
function endOfMarkup(xml: string, start: number, hasSubset: boolean): number {
  let quote = '';
  let inSubset = false;
  for (let i = start + 1; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (hasSubset && c === '[') {
      inSubset = true;
    } else if (c === ']') {
      inSubset = false;
    } else if (c === '>' && !inSubset) {
      return i + 1;
    }
  }
  return xml.length;
}

/** Turns the validator's verdict into a message with a line and column. */
function syntaxError(
  xml: string,
  err: { code: string; msg: string; line: number; col: number },
): ManifestError {
  // With several elements left open the validator reports line 1 and a JSON list: say where input ended.
  const unclosed = /^Invalid '(\[.*\])' found\.$/.exec(err.msg);
  if (err.code === 'InvalidXml' && unclosed?.[1]) {
    const names = [...unclosed[1].matchAll(/"([^"]*)"/g)].map((m) => `<${m[1]}>`).join(', ');
    const end = lineAndColumn(xml, xml.length);
    return invalid(
      `malformed XML at line ${end.line}, column ${end.col}: input ends with ${names} still open`,
      err.msg,
    );
  }
  const where = `line ${err.line}` + (err.col === undefined ? '' : `, column ${err.col}`);
  return invalid(`malformed XML at ${where}: ${err.msg}`, err.msg);
}

function namespacesOf(rootStart: string | null): string[] {
  if (!rootStart) return [];
  const uris: string[] = [];
  for (const m of rootStart.matchAll(/\sxmlns(?::[\w.-]+)?\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    uris.push(m[1] ?? m[2] ?? '');
  }
  return uris;
}

/** SCORM 1.2 or 2004, from `<schemaversion>`, else (absent or unrecognised) from the root's namespaces. */
function versionOf(declared: string | null, namespaces: readonly string[]): ScormVersion {
  // Some tools write "SCORM 1.2" or "SCORM 2004 4th Edition" where ADL's schema says "1.2" and "2004 ...".
  const schemaVersion = declared?.trim().replace(/^scorm\s+/i, '') ?? null;
  if (schemaVersion === '1.2') return PACKAGE_TYPES.scorm12;
  // "2004 3rd Edition", "2004 4th Edition", and 2nd edition's "CAM 1.3".
  if (schemaVersion && /^(2004\b|CAM 1\.3$)/i.test(schemaVersion)) return PACKAGE_TYPES.scorm2004;
  const is12 = namespaces.some((ns) => /adlcp_rootv1p2/i.test(ns));
  const is2004 = namespaces.some((ns) => /adlcp_v1p3|adlseq_v1p3|adlnav_v1p3|\/imsss\b/i.test(ns));
  if (is12 !== is2004) return is12 ? PACKAGE_TYPES.scorm12 : PACKAGE_TYPES.scorm2004;
  // Guessing wrong breaks the runtime API the content calls (API vs API_1484_11), so refuse instead.
  throw invalid(
    'cannot tell SCORM 1.2 from 2004: no recognised <schemaversion> and no adlcp namespace on <manifest>',
    declared ?? undefined,
  );
}

function scormTypeOf(resource: XmlNode): ScormResource['scormType'] {
  // `adlcp:scormtype` in 1.2, `adlcp:scormType` in 2004; authoring tools vary the value's case too.
  const value = (attr(resource, 'scormType') ?? attr(resource, 'scormtype'))?.toLowerCase();
  return value === 'sco' || value === 'asset' ? value : null;
}

/** The `<manifest>` element and the namespace URIs its start tag declares. */
function parseXml(xml: string): { manifest: XmlNode; namespaces: string[] } {
  const { doctype, rootStart } = readProlog(xml);
  // Entity declarations are how billion-laughs and XXE attacks start; no real manifest needs one.
  if (doctype && /<!ENTITY/i.test(doctype)) {
    throw invalid('DOCTYPE entities are not allowed in imsmanifest.xml', 'doctype_entity');
  }
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) throw syntaxError(xml, verdict.err);
  let document: unknown;
  try {
    document = parseManifestXml(xml);
  } catch (err) {
    throw invalid(`malformed XML: ${(err as Error).message}`);
  }
  if (!isNode(document)) throw invalid('imsmanifest.xml has no root element');
  const roots = Object.keys(document).filter((k) => !k.startsWith('?'));
  if (roots.length !== 1 || roots[0] !== 'manifest') {
    throw invalid(
      `the root element of imsmanifest.xml must be <manifest>, found ${roots.map((r) => `<${r}>`).join(', ') || 'none'}`,
    );
  }
  return { manifest: child(document, 'manifest') ?? {}, namespaces: namespacesOf(rootStart) };
}

/** Parses imsmanifest.xml text. Throws ManifestError. */
export function parseScormManifest(xml: string): ScormManifest {
  if (xml.length > MAX_MANIFEST_BYTES || Buffer.byteLength(xml, 'utf8') > MAX_MANIFEST_BYTES) {
    throw new ManifestError(
      MANIFEST_REJECTIONS.manifestTooLarge,
      `imsmanifest.xml is larger than ${MAX_MANIFEST_BYTES} bytes`,
    );
  }
  const text = xml.startsWith('\ufeff') ? xml.slice(1) : xml;
  const { manifest, namespaces } = parseXml(text);
  const metadata = child(manifest, 'metadata');
  const type = versionOf(textOf(metadata?.schemaversion), namespaces);

  const manifestBase = attr(manifest, 'base');
  const resourcesNode = child(manifest, 'resources');
  const resourcesBase = attr(resourcesNode, 'base');
  const resourceNodes = children(resourcesNode, 'resource');
  const resources = resourceNodes.map((node): ScormResource => {
    const bases = [attr(node, 'base'), resourcesBase, manifestBase];
    const href = attr(node, 'href');
    return {
      identifier: attr(node, 'identifier') ?? '',
      href: href === null ? null : resolveAgainstBases(href, bases),
      scormType: scormTypeOf(node),
      files: children(node, 'file')
        .map((f) => attr(f, 'href'))
        .filter((h): h is string => h !== null)
        .map((h) => resolveAgainstBases(h, bases)),
    };
  });

  const organizationsNode = child(manifest, 'organizations');
  const organizations = children(organizationsNode, 'organization');
  if (organizations.length === 0) throw invalid('imsmanifest.xml has no organizations: nothing to launch');
  const warnings: string[] = [];
  const defaultId = attr(organizationsNode, 'default');
  let organization = defaultId ? organizations.find((o) => attr(o, 'identifier') === defaultId) : undefined;
  if (!organization) {
    // Moodle and SCORM Cloud launch the first organization when the default names none: so do we, and say so.
    organization = organizations[0]!;
    if (defaultId) {
      warnings.push(
        `the default organization "${defaultId}" does not exist; the first organization ` +
          `"${attr(organization, 'identifier') ?? ''}" is launched instead`,
      );
    }
  }

  const { root, first } = readOrganization(organization, {
    type,
    resources,
    collection: sequencingCollectionOf(manifest),
    warn: (w) => warnings.push(w),
  });
  if (!first?.activity.launch) throw invalid('the default organization has no item with an identifierref');
  const title =
    textOf(organization.title) ??
    textOf(first.item.title) ??
    textOf(child(child(child(metadata, 'lom'), 'general'), 'title'));
  return {
    type,
    title,
    launch: first.activity.launch.path,
    launchParameters: first.activity.launch.parameters,
    resources,
    warnings,
    launchData: first.activity.launchData ?? {},
    organization: root,
  };
}
