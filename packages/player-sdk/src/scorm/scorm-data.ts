// The in-memory CMI data model of one launch: values by element name, array entry counts, and the caps that
// keep a runaway package from growing the page's memory. Edition-neutral: a DataModel describes the elements.
import type { ScormVersion } from '@coursecast/semconv/browser';
import { ERRORS, type ErrorKind } from './scorm-errors.js';
import type { ScormSnapshot } from './scorm-message.js';
import type { Check } from './scorm-values.js';

/** One element: its access, the check of a value set, and its value before any set (none: "not initialized"). */
export interface ElementSpec {
  access: 'r' | 'w' | 'rw';
  check?: Check;
  init?: string;
}

export const ro = (init?: string): ElementSpec => ({ access: 'r', init });
export const rw = (check: Check, init?: string): ElementSpec => ({ access: 'rw', check, init });
export const wo = (check: Check): ElementSpec => ({ access: 'w', check });

/** An edition's data model. Names are patterns: `n` stands for an array index (`cmi.interactions.n.id`). */
export interface DataModel {
  version: ScormVersion;
  codes: Record<ErrorKind, number>;
  strings: Record<string, string>;
  elements: Map<string, ElementSpec>;
  /** `_children` of the elements that have them. */
  children: Map<string, string>;
  /** The arrays, each with the field a new entry must be created by ("": any). */
  arrays: Map<string, string>;
  /** The status the runtime reports, from the current values. */
  snapshot(read: (element: string) => string | undefined): ScormSnapshot;
  /**
   * A plain element's value as the LMS evaluates it from others (2004's statuses against the thresholds the
   * LMS gave, RTE 4.2.4.1 and 4.2.22.1), or undefined to answer what is stored.
   */
  derive?(element: string, stored: (element: string) => string | undefined): string | undefined;
}

/** Caps of one store. */
export interface StoreLimits {
  /** Elements stored at most (default 5000). */
  maxElements?: number;
  /** Characters stored at most, all values together (default 1 000 000). */
  maxChars?: number;
}

export interface CmiStore {
  /** The value of an element, and the error kind (`none` when read). */
  get(element: string): [string, ErrorKind];
  set(element: string, value: string): ErrorKind;
  /**
   * What the LMS knows at launch, set before the package runs, access rules aside (read-only launch data, a
   * resumed attempt's entry, total time and suspend data). Plain elements of the model only: throws otherwise.
   */
  seed(element: string, value: string): void;
  /** The current value of a plain element (no index), access rules aside: for the snapshot. */
  read: (element: string) => string | undefined;
  /** Every value the learner's attempt set (or was restored with), for the LMS to keep. */
  entries(): Record<string, string>;
  /**
   * Puts back a value kept from an earlier session of the attempt (arrays too: `cmi.interactions.0.id`), access
   * rules aside but within the model and the store's limits; false when it is not the model's, or past a limit.
   */
  restore(element: string, value: string): boolean;
}

interface ArrayRef {
  /** The array's concrete name (`cmi.interactions.2.objectives`) and its pattern. */
  path: string;
  pattern: string;
  index: number;
}

const { none } = ERRORS;

/** An empty data model store for `model`, within `limits`. */
export function createCmiStore(model: DataModel, limits: StoreLimits = {}): CmiStore {
  const maxElements = limits.maxElements ?? 5000;
  const maxChars = limits.maxChars ?? 1_000_000;
  const values = new Map<string, string>();
  const counts = new Map<string, number>();
  let chars = 0;
  const count = (path: string) => counts.get(path) ?? 0;
  const stored = (element: string): string | undefined =>
    values.get(element) ?? model.elements.get(element)?.init;
  const read = (element: string): string | undefined => model.derive?.(element, stored) ?? stored(element);
  const exists = (refs: ArrayRef[]) => refs.every((r) => r.index < count(r.path));

  // `cmi.interactions.2.id` → pattern `cmi.interactions.n.id`, and the array entries it goes through.
  function parse(element: string): { pattern: string; refs: ArrayRef[] } | undefined {
    if (element.length > 255) return undefined;
    const parts = element.split('.');
    const pattern = parts.slice();
    const refs: ArrayRef[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (!/^\d+$/.test(part)) continue;
      // One spelling per index: "01" would store a second copy of entry 1.
      if (!/^(0|[1-9]\d{0,5})$/.test(part)) return undefined;
      refs.push({ path: parts.slice(0, i).join('.'), pattern: pattern.slice(0, i).join('.'), index: +part });
      pattern[i] = 'n';
    }
    return { pattern: pattern.join('.'), refs };
  }

  function get(element: string): [string, ErrorKind] {
    const parsed = parse(element);
    if (!parsed) return ['', ERRORS.undefinedElement];
    const { pattern, refs } = parsed;
    const dot = pattern.lastIndexOf('.');
    const parent = pattern.slice(0, dot);
    const last = pattern.slice(dot + 1);
    if (last === '_children' || last === '_count') {
      const children = model.children.get(parent);
      const isArray = model.arrays.has(parent);
      if (children === undefined && !isArray && !model.elements.has(parent))
        return ['', ERRORS.undefinedElement];
      if (last === '_children' && children === undefined) return ['', ERRORS.noChildren];
      if (last === '_count' && !isArray) return ['', ERRORS.noCount];
      if (!exists(refs)) return ['', ERRORS.getFailure];
      const answer = last === '_count' ? String(count(element.slice(0, element.lastIndexOf('.')))) : children;
      return [answer ?? '', none];
    }
    const spec = model.elements.get(pattern);
    if (!spec) return ['', ERRORS.undefinedElement];
    if (!exists(refs)) return ['', ERRORS.getFailure];
    if (spec.access === 'w') return ['', ERRORS.writeOnly];
    const v = refs.length === 0 ? read(element) : (values.get(element) ?? spec.init);
    return v === undefined ? ['', ERRORS.notSet] : [v, none];
  }

  function set(element: string, value: string): ErrorKind {
    const parsed = parse(element);
    if (!parsed) return ERRORS.undefinedElement;
    const { pattern, refs } = parsed;
    if (/\._(children|count|version)$/.test(pattern)) {
      return get(element)[1] === ERRORS.undefinedElement ? ERRORS.undefinedElement : ERRORS.keyword;
    }
    const spec = model.elements.get(pattern);
    if (!spec) return ERRORS.undefinedElement;
    if (spec.access === 'r') return ERRORS.readOnly;
    const bad = spec.check?.(value);
    if (bad) return bad;
    // Every entry on the way must exist; the innermost index may also be the next one, which appends an entry.
    const grow = refs[refs.length - 1];
    if (!exists(refs.slice(0, -1)) || (grow && grow.index > count(grow.path))) return ERRORS.setFailure;
    if (grow && grow.index === count(grow.path)) {
      // 2004 creates an entry by its id (RTE 4.2.9, 4.2.17): the later fields belong to a known objective.
      const key = model.arrays.get(grow.pattern);
      if (key && element !== `${grow.path}.${grow.index}.${key}`) return ERRORS.dependency;
    }
    const old = values.get(element);
    const size = chars - (old?.length ?? 0) + value.length;
    if ((old === undefined && values.size >= maxElements) || size > maxChars) return ERRORS.full;
    values.set(element, value);
    chars = size;
    if (grow && grow.index === count(grow.path)) counts.set(grow.path, grow.index + 1);
    return none;
  }

  function seed(element: string, value: string): void {
    // An LMS-side mistake, never the package's: it fails loudly where the launch is built.
    if (!model.elements.has(element))
      throw new TypeError(`${element} is not a plain element of SCORM ${model.version}`);
    const size = chars - (values.get(element)?.length ?? 0) + value.length;
    if (size > maxChars)
      throw new RangeError(`seeding ${element} exceeds the store's ${maxChars} characters`);
    values.set(element, value);
    chars = size;
  }

  function restore(element: string, value: string): boolean {
    const parsed = parse(element);
    if (!parsed || !model.elements.has(parsed.pattern)) return false;
    const old = values.get(element);
    const size = chars - (old?.length ?? 0) + value.length;
    if ((old === undefined && values.size >= maxElements) || size > maxChars) return false;
    // Arrays come back in index order (the LMS keeps them so): an entry's index makes its array that long.
    for (const r of parsed.refs) if (r.index >= count(r.path)) counts.set(r.path, r.index + 1);
    values.set(element, value);
    chars = size;
    return true;
  }

  return {
    get,
    set,
    seed,
    read,
    entries: () => Object.fromEntries(values),
    restore,
  };
}
