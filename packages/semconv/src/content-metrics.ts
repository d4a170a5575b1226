import { ATTR_BROWSER_FAMILY } from './ingest-metrics.js';
import { INSTRUMENTS, type MetricDefinition } from './metric-definition.js';
import {
  ATTR_DOCUMENT_FORMAT,
  ATTR_LOAD_OUTCOME,
  ATTR_PACKAGE_OUTCOME,
  ATTR_PACKAGE_REJECTION,
  ATTR_PACKAGE_TYPE,
} from './package-attributes.js';

const UNPACK_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];
const LOAD_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 20, 30, 60];

/** Package uploads unpacked, by type and outcome (a refusal names its reason). */
export const METRIC_CONTENT_PACKAGE_UNPACKS = {
  name: 'content.package.unpacks',
  instrument: INSTRUMENTS.counter,
  unit: '{package}',
  description:
    'Interactive package uploads by package type (unknown when refused before it was known), outcome and refusal reason',
  attributes: [ATTR_PACKAGE_TYPE, ATTR_PACKAGE_OUTCOME, ATTR_PACKAGE_REJECTION],
} as const satisfies MetricDefinition;

/** Time to validate, unpack and publish a package. */
export const METRIC_CONTENT_PACKAGE_UNPACK_DURATION = {
  name: 'content.package.unpack.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Time to validate, unpack, describe and publish an uploaded package',
  attributes: [ATTR_PACKAGE_TYPE, ATTR_PACKAGE_OUTCOME],
  buckets: UNPACK_BUCKETS_S,
} as const satisfies MetricDefinition;

/** Interactive module loads reported by learners' browsers. */
export const METRIC_CONTENT_INTERACTIVE_LOADS = {
  name: 'content.interactive.loads',
  instrument: INSTRUMENTS.counter,
  unit: '{load}',
  description: 'Interactive module loads reported by the launch page, by package type, outcome and browser',
  attributes: [ATTR_PACKAGE_TYPE, ATTR_LOAD_OUTCOME, ATTR_BROWSER_FAMILY],
} as const satisfies MetricDefinition;

/** Interactive module load time (the seed's load duration). */
export const METRIC_CONTENT_INTERACTIVE_LOAD_DURATION = {
  name: 'content.interactive.load.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description:
    'Interactive module load time in the browser: launch until the package’s launch document and its assets loaded',
  attributes: [ATTR_PACKAGE_TYPE, ATTR_LOAD_OUTCOME, ATTR_BROWSER_FAMILY],
  buckets: LOAD_BUCKETS_S,
} as const satisfies MetricDefinition;

/** Document loads reported by learners' browsers. */
export const METRIC_CONTENT_DOCUMENT_LOADS = {
  name: 'content.document.loads',
  instrument: INSTRUMENTS.counter,
  unit: '{load}',
  description:
    'Document loads (PDF, slide images) reported by the viewer page, by format, outcome and browser',
  attributes: [ATTR_DOCUMENT_FORMAT, ATTR_LOAD_OUTCOME, ATTR_BROWSER_FAMILY],
} as const satisfies MetricDefinition;

/** Document load time. */
export const METRIC_CONTENT_DOCUMENT_LOAD_DURATION = {
  name: 'content.document.load.duration',
  instrument: INSTRUMENTS.histogram,
  unit: 's',
  description: 'Document load time in the browser: request until the whole file is in',
  attributes: [ATTR_DOCUMENT_FORMAT, ATTR_LOAD_OUTCOME, ATTR_BROWSER_FAMILY],
  buckets: LOAD_BUCKETS_S,
} as const satisfies MetricDefinition;

/** Package unpacking and module/document loads. */
export const CONTENT_METRICS: readonly MetricDefinition[] = [
  METRIC_CONTENT_PACKAGE_UNPACKS,
  METRIC_CONTENT_PACKAGE_UNPACK_DURATION,
  METRIC_CONTENT_INTERACTIVE_LOADS,
  METRIC_CONTENT_INTERACTIVE_LOAD_DURATION,
  METRIC_CONTENT_DOCUMENT_LOADS,
  METRIC_CONTENT_DOCUMENT_LOAD_DURATION,
];
