export { buildApp, type AppDeps } from './app.js';
export { createCoursecast, type Coursecast, type CreateOptions } from './main.js';
export { loadConfig, type Config, ConfigError } from './config.js';
export { runCli } from './cli.js';
