// Child process for the ingest crash test: a full coursecast on a free port over the data dir it is given,
// printing `URL <base>` once it listens. It never closes, so whatever the parent finds after SIGKILL came
// back through the telemetry store's WAL.
// Run: node --conditions=source --import tsx ingest-crash.fixture.ts <data dir>
import { loadConfig } from '../src/config.js';
import { createCoursecast } from '../src/main.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: ingest-crash.fixture.ts <data dir>');
const config = loadConfig({
  env: {},
  overrides: {
    dataDir,
    port: 0,
    adminToken: 'crash-admin-token-0123456789',
    logLevel: 'silent',
    ingest: { rateBurst: 100_000, ratePerSecond: 100_000, serverTelemetry: false },
  },
});
const cc = await createCoursecast(config, { logger: false, startQueue: false });
process.stdout.write(`URL ${await cc.listen()}\n`);
