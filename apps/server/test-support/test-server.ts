import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig, type ConfigInput } from '../src/config.js';
import { createCoursecast, type Coursecast, type CreateOptions } from '../src/main.js';
import { FFMPEG, FFPROBE } from './media-fixtures.js';
import { describeViolations, watchReplyContract, type ContractViolation } from './reply-contract.js';

export const TEST_TOKEN = 'test-admin-token-0123456789';

/** A coursecast on a temp data dir with in-memory span capture; close() removes everything. */
export interface TestServer {
  cc: Coursecast;
  spans: InMemorySpanExporter;
  dataDir: string;
  auth: { authorization: string };
  /** Answers whose reply schema changed them (reply-contract.ts); close() fails when there are any. */
  contractViolations: ContractViolation[];
  close(): Promise<void>;
}

/** Starts a test instance (not listening; use cc.app.inject or cc.listen()). */
export async function startTestServer(
  overrides: ConfigInput = {},
  options: Omit<CreateOptions, 'telemetryExtras'> = {},
  dataDir = mkdtempSync(path.join(tmpdir(), 'cc-test-')),
): Promise<TestServer> {
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      port: 0,
      adminToken: TEST_TOKEN,
      logLevel: 'silent',
      ffmpegPath: FFMPEG,
      ffprobePath: FFPROBE,
      ...overrides,
      // Tests look at the span of every hit.
      delivery: { hitSpanRatio: 1, ...overrides.delivery },
      upload: { minFreeBytes: 0, ...overrides.upload },
      transcode: { ladder: [360, 240], preset: 'ultrafast', retryBaseSeconds: 0.2, ...overrides.transcode },
      // Tests run side by side: free ports for RTMP and SRT, loopback only.
      live: { rtmpPort: 0, srtPorts: [0, 0], listenHost: '127.0.0.1', ...overrides.live },
    },
  });
  const spans = new InMemorySpanExporter();
  const cc = await createCoursecast(config, {
    logger: false,
    ...options,
    instrumentationExtras: { spanProcessors: [new SimpleSpanProcessor(spans)] },
  });
  // Every route test is a contract test too: an answer its @coursecast/api schema does not describe fails it.
  const contractViolations = watchReplyContract(cc.app);
  return {
    cc,
    spans,
    dataDir,
    auth: { authorization: `Bearer ${TEST_TOKEN}` },
    contractViolations,
    async close() {
      await cc.close();
      await rm(dataDir, { recursive: true, force: true });
      if (contractViolations.length > 0) throw new Error(describeViolations(contractViolations));
    },
  };
}
