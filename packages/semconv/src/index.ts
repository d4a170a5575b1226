export * from './attributes.js';
export * from './cdn-attributes.js';
export * from './values.js';
export * from './spans.js';
export * from './metric-definition.js';
export * from './metrics.js';
export * from './cdn-metrics.js';
export * from './prometheus-names.js';
