// `@coursecast/server/parts`: the stages benchmarks and end-to-end tests drive one at a time (a store without
// a server, a transcode runner without a queue, the view derivation's SQL). The package's main entry is the
// server as a whole; this one names the parts, so no caller reaches into src/ by path.
export { createMediaLinks, linkedPath } from './catalog/media-links.js';
export { createMediaPaths, type MediaPaths } from './catalog/media-paths.js';
export { PANELS, type Panel } from './dashboards/dashboard-panels.js';
export { resolveQuery } from './dashboards/dashboard-query.js';
export { mapEventRecord, type EventRecord } from './ingest/event-mapper.js';
export { createInstrumentation } from './instrumentation/instrumentation.js';
export { unpackZip } from './interactive/zip/zip-unpacker.js';
export { createJitMedia, encoderStreams, sessionGrid } from './jit/jit-media.js';
export type { PrepareSession } from './jit/jit-service.js';
export { newId, openDuckDbCatalogStore } from './store/index.js';
export type { DuckDbDatabase } from './store/duckdb-database.js';
export { createTableAppender } from './store/table-appender.js';
export { EVENT_COLUMNS, type EventRow } from './store/telemetry-rows.js';
export { openTelemetryStore } from './store/telemetry-store.js';
export { createTranscodeMetrics } from './transcoding/transcode-instruments.js';
export { createTranscodeRunner } from './transcoding/transcode-runner.js';
export { viewsSelect } from './views/view-derivation.js';
export { createViewRefresher } from './views/view-refresher.js';
