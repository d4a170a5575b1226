// `@coursecast/server`: the server as a whole (build it, configure it, run its CLI), and what a page or a
// demo serves with it. Single stages for benchmarks are in `./parts.ts` (`@coursecast/server/parts`).
export { buildApp, type AppDeps } from './app.js';
export { createCoursecast, type Coursecast, type CreateOptions } from './main.js';
export { loadConfig, type Config, ConfigError } from './config.js';
export { runCli } from './cli.js';
export { samplePdf } from './cli/sample-pdf.js';
export { scormPackage, zipFiles, type PackageFile } from './cli/sample-scorm.js';
export { defaultWebDistDir, WEB_PAGES, type WebPage } from './web/web.routes.js';
