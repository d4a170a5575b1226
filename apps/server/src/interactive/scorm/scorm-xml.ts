// Reading imsmanifest.xml: one parser configuration (local names, no entity expansion, values as strings) and the
// small accessors the manifest and organization readers share.
import { XMLParser } from 'fast-xml-parser';

/** An element as fast-xml-parser gives it: children by local name, attributes under `@_`. */
export type XmlNode = Record<string, unknown>;

// Elements that may repeat: forced to arrays so a single one does not come back as a bare object.
const REPEATED_ELEMENTS = new Set([
  'organization',
  'item',
  'resource',
  'file',
  // Sequencing (imsss): rules, conditions, objectives, and a sequencingCollection's entries.
  'sequencing',
  'preConditionRule',
  'exitConditionRule',
  'postConditionRule',
  'ruleCondition',
  'rollupRule',
  'rollupCondition',
  'objective',
  'objectives',
]);
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

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  if (Array.isArray(value)) return isNode(value[0]) ? value[0] : undefined;
  if (isNode(value)) return value;
  // An empty element (`<organizations/>`) parses to '': present, but with nothing in it.
  return value === '' ? {} : undefined;
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  const list: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (isNode(v) ? v : {}));
}

export function attr(node: XmlNode | undefined, name: string): string | null {
  const value = node?.[ATTR + name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The text of an element, looking through LOM's `<langstring>` (1.2) and `<string>` (2004) wrappers. */
export function textOf(value: unknown): string | null {
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

/** Parses manifest text already checked by XMLValidator (no DOCTYPE entities). */
export function parseManifestXml(xml: string): unknown {
  return parser.parse(xml);
}
