export * from './attributes.js';
export * from './values.js';
export * from './spans.js';
export * from './metrics.js';
export * from './prometheus-names.js';
