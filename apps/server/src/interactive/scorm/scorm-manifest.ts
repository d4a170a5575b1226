import { PACKAGE_TYPES } from '@coursecast/semconv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { invalid, ManifestError, MANIFEST_REJECTIONS } from '../manifest-error.js';
import {
  decodePath,
  mergeLaunchParameters,
  normalizePackagePath,
  resolveAgainstBases,
  splitReference,
} from '../package-paths.js';

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
}

type XmlNode = Record<string, unknown>;

// Elements that may repeat: forced to arrays so a single one does not come back as a bare object.
const REPEATED_ELEMENTS = new Set(['organization', 'item', 'resource', 'file']);
const ATTR = '@_';
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five XML entities and character references in one pass. The parser's own entity handling
 * is switched off so that nothing a DOCTYPE declares can ever be expanded, even if the DOCTYPE check
 * below were bypassed; this puts back what a well-formed manifest legitimately uses.
 */
function decodeXmlText(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return XML_ENTITIES[name] ?? whole;
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  // Manifests mix `imscp:`, `adlcp:`, `imsss:` prefixes with default namespaces: match on local names.
  removeNSPrefix: true,
  // "1.2" must stay a string, not become the number 1.2.
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
  isArray: (name, _path, _leaf, isAttribute) => isAttribute !== true && REPEATED_ELEMENTS.has(name),
});

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  if (Array.isArray(value)) return isNode(value[0]) ? value[0] : undefined;
  if (isNode(value)) return value;
  // An empty element (`<organizations/>`) parses to '': present, but with nothing in it.
  return value === '' ? {} : undefined;
}

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  const list: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (isNode(v) ? v : {}));
}

function attr(node: XmlNode | undefined, name: string): string | null {
  const value = node?.[ATTR + name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The text of an element, looking through LOM's `<langstring>` (1.2) and `<string>` (2004) wrappers. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (Array.isArray(value)) {
    for (const v of value) {
      const text = textOf(v);
      if (text) return text;
    }
    return null;
  }
  if (!isNode(value)) return null;
  for (const key of ['#text', 'langstring', 'string']) {
    if (key in value) return textOf(value[key]);
  }
  return null;
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

/** The first item, depth first, that points at a resource: the one an LMS launches. */
function firstLaunchableItem(items: readonly XmlNode[]): XmlNode | null {
  for (const item of items) {
    if (attr(item, 'identifierref')) return item;
    const nested = firstLaunchableItem(children(item, 'item'));
    if (nested) return nested;
  }
  return null;
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
    document = parser.parse(xml);
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

const decimalIn =
  (min: number, max: number) =>
  (v: string): boolean =>
    /^-?\d+(\.\d+)?$/.test(v) && Number(v) >= min && Number(v) <= max;
const TIME_LIMIT_ACTIONS = ['exit,message', 'exit,no message', 'continue,message', 'continue,no message'];
const isTimeLimitAction = (v: string): boolean => TIME_LIMIT_ACTIONS.includes(v);

/** The launched item's launch data (ScormManifest.launchData): 1.2's adlcp elements, 2004's adlcp and imsss. */
function launchDataOf(item: XmlNode, type: ScormVersion): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (element: string, value: string | null, valid: (v: string) => boolean = () => true): void => {
    if (value !== null && value.length <= 4096 && valid(value)) out[element] = value;
  };
  if (type === PACKAGE_TYPES.scorm12) {
    put('cmi.launch_data', textOf(item.datafromlms));
    put('cmi.student_data.mastery_score', textOf(item.masteryscore), decimalIn(0, 100));
    put('cmi.student_data.max_time_allowed', textOf(item.maxtimeallowed));
    put('cmi.student_data.time_limit_action', textOf(item.timelimitaction), isTimeLimitAction);
    return out;
  }
  put('cmi.launch_data', textOf(item.dataFromLMS));
  put('cmi.time_limit_action', textOf(item.timeLimitAction), isTimeLimitAction);
  // 4th edition puts the threshold in an attribute, 3rd edition in the element's text.
  const threshold =
    attr(child(item, 'completionThreshold'), 'minProgressMeasure') ?? textOf(item.completionThreshold);
  put('cmi.completion_threshold', threshold, decimalIn(0, 1));
  const sequencing = child(item, 'sequencing');
  put('cmi.max_time_allowed', attr(child(sequencing, 'limitConditions'), 'attemptAbsoluteDurationLimit'));
  const primary = child(child(sequencing, 'objectives'), 'primaryObjective');
  if (attr(primary, 'satisfiedByMeasure') === 'true') {
    put('cmi.scaled_passing_score', textOf(primary?.minNormalizedMeasure) ?? '1.0', decimalIn(-1, 1));
  }
  return out;
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

  const item = firstLaunchableItem(children(organization, 'item'));
  if (!item) throw invalid('the default organization has no item with an identifierref');
  const ref = attr(item, 'identifierref') ?? '';
  const resource = resources.find((r) => r.identifier === ref);
  if (!resource) throw invalid(`identifierref "${ref}" names no resource`, ref);
  if (!resource.href) throw invalid(`resource "${ref}" has no href`, ref);

  const { path, query, fragment } = splitReference(resource.href);
  const launch = normalizePackagePath(decodePath(path));
  const title =
    textOf(organization.title) ??
    textOf(item.title) ??
    textOf(child(child(child(metadata, 'lom'), 'general'), 'title'));
  return {
    type,
    title,
    launch,
    launchParameters: mergeLaunchParameters(query, fragment, attr(item, 'parameters')),
    resources,
    warnings,
    launchData: launchDataOf(item, type),
  };
}
