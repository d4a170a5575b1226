// The names a browser bundle needs, without the wire schemas (zod): the player SDK imports this entry so its
// bundle carries only the constants it uses.
export * from './attributes.js';
export * from './cdn-attributes.js';
export * from './hls-attributes.js';
export * from './values.js';
export * from './playback-events.js';
export * from './track-events.js';
export * from './spans.js';
export * from './package-attributes.js';
export * from './live-events.js';
