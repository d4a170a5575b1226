export { monitor } from './monitor.js';
export { traceInteractiveLoad, traceDocumentLoad } from './content-load.js';
export { viewerIdentity } from './ids.js';
export { attachScormHost } from './scorm/scorm-host.js';
export type { ContentMetadata, MonitorHandle, MonitorOptions } from './monitor-options.js';
export type { ContentLoadOptions, InteractiveManifest, LoadContext } from './content-load.js';
export type { HlsLike } from './hls-types.js';
export type { ScormHostHandle, ScormHostOptions } from './scorm/scorm-host.js';
export type { ScormCall, ScormSnapshot, ScormVersion } from './scorm/scorm-message.js';
