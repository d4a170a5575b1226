import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { MediaError } from '@coursecast/media';
import { demoCommand } from './cli/demo-command.js';
import { sessionsCommand } from './cli/sessions-command.js';
import { serveUntilSignal } from './cli/serve-until-signal.js';
import { transcodeCommand } from './cli/transcode-command.js';
import { asBytes } from './config-env.js';
import {
  ConfigError,
  describeConfig,
  loadConfig,
  shutdownDeadlineMs,
  type Config,
  type ConfigInput,
} from './config.js';
import { createEdgeServer } from './delivery/edge/edge-server.js';
import { createLogDestination, type LogDestination } from './instrumentation/log-destination.js';
import { createCoursecast, serverVersion } from './main.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}

function parseLadder(value: string): number[] {
  const heights = value.split(',').map((s) => Number(s.trim().replace(/p$/i, '')));
  if (heights.some((h) => !Number.isInteger(h) || h < 64)) {
    throw new InvalidArgumentError('must be comma-separated heights, e.g. 1080,720,360');
  }
  return heights;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

interface GlobalOptions {
  config?: string;
  port?: number;
  host?: string;
  dataDir?: string;
}

function parseBytes(value: string): number {
  const n = asBytes(value);
  if (typeof n !== 'number' || n <= 0) throw new InvalidArgumentError('must be a size, e.g. 512M or 2G');
  return n;
}

function configFrom(program: Command, extra: ConfigInput = {}): Config {
  const opts = program.opts<GlobalOptions>();
  const overrides: ConfigInput = {
    ...extra,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
  };
  return loadConfig({ ...(opts.config ? { file: opts.config } : {}), overrides });
}

/**
 * The server's log destination on stdout (bounded, never blocking, drops counted) and Fastify's logger over
 * it. A serving process also stops stdout and stderr from crashing it: written to a full disk, a stdio stream
 * emits 'error', which nothing else listens for. Opening process.stdout first also matters: on a pipe, libuv
 * makes fd 1 non-blocking, so a reader that stops reading costs the destination EAGAIN retries, never a
 * thread-pool thread stuck in write(2) (which would also hold up the process's exit).
 */
function serverLogging(config: Config): {
  destination: LogDestination;
  logger: { level: Config['logLevel']; stream: LogDestination };
} {
  for (const stdio of [process.stdout, process.stderr]) stdio.on('error', () => {});
  const destination = createLogDestination({ fd: 1, maxBufferedBytes: config.logBufferBytes });
  return { destination, logger: { level: config.logLevel, stream: destination } };
}

/** A notice on stderr that never throws (the volume it is on may be full). */
function notice(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // Nowhere left to say it.
  }
}

/** Serves until SIGINT/SIGTERM, shuts down within the deadline, writes the last log lines; the exit code. */
async function serveAndStop(
  server: { close(): Promise<void> },
  config: Config,
  note: string,
  log: LogDestination | null,
): Promise<number> {
  const code = await serveUntilSignal(server, {
    note,
    deadlineMs: shutdownDeadlineMs(config),
    process,
    notice,
  });
  await log?.drain(1000);
  return code;
}

function running(config: Config): string {
  return ` (running jobs get ${config.transcode.shutdownGraceSeconds} s)`;
}

interface EdgeOptions {
  origin: string;
  cacheSize?: number;
  region?: string;
  name?: string;
}

/** The `coursecast` command line; resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('coursecast')
    .description('Self-hostable course video delivery, observable end to end with OpenTelemetry')
    .option('-c, --config <file>', 'JSON config file (env: COURSECAST_CONFIG)')
    .option('-p, --port <port>', 'port to listen on (env: COURSECAST_PORT)', parsePort)
    .option('--host <host>', 'address to bind (env: COURSECAST_HOST)')
    .option('-d, --data-dir <dir>', 'data directory (env: COURSECAST_DATA_DIR)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;

  program
    .command('serve')
    .description('run the server')
    .action(async () => {
      const config = configFrom(program);
      const log = serverLogging(config);
      const cc = await createCoursecast(config, {
        logger: log.logger,
        logDrops: () => log.destination.dropped(),
      });
      const url = await cc.listen();
      process.stderr.write(`coursecast listening on ${url} (packages run on ${cc.contentUrl()})\n`);
      if (cc.admin.source === 'generated') {
        process.stderr.write(`admin token (generated, kept in ${cc.admin.file}): ${cc.admin.token}\n`);
      }
      code = await serveAndStop(cc, config, running(config), log.destination);
    });

  program
    .command('demo')
    .description('serve, upload a generated sample lecture, show its transcode, print the URLs')
    .option('--once', 'exit when the ladder is ready instead of serving')
    .option('--seconds <n>', 'length of the generated lecture', parsePositive)
    .option('--height <px>', 'height of the generated lecture', parsePositive)
    .action(async (opts: { once?: boolean; seconds?: number; height?: number }) => {
      const { code: demoCode, cc } = await demoCommand(configFrom(program), opts);
      if (opts.once || demoCode !== 0) {
        await cc.close();
        code = demoCode;
        return;
      }
      code = await serveAndStop(cc, cc.config, running(cc.config), null);
    });

  program
    .command('transcode <file>')
    .description('transcode a file into an HLS ladder, standalone')
    .option('-o, --out <dir>', 'output directory (default: <name>-hls)')
    .option('--ladder <heights>', 'rung heights, e.g. 1080,720,360', parseLadder)
    .action(async (file: string, opts: { out?: string; ladder?: number[] }) => {
      code = await transcodeCommand(file, opts, configFrom(program));
    });

  program
    .command('edge')
    .description('run an edge cache node (a CDN node) in front of a coursecast origin')
    .requiredOption(
      '--origin <url>',
      'the origin server, e.g. http://origin:8080 (env: COURSECAST_EDGE_ORIGIN)',
    )
    .option(
      '--cache-size <bytes>',
      'memory for cached objects, e.g. 512M (env: COURSECAST_EDGE_CACHE_BYTES)',
      parseBytes,
    )
    .option('--region <name>', 'the origin region reported on spans (env: COURSECAST_ORIGIN_REGION)')
    .option('--name <name>', 'this node in Cache-Status and CMSD (env: COURSECAST_SERVER_NAME)')
    .action(async (opts: EdgeOptions) => {
      const config = configFrom(program, {
        delivery: {
          origin: opts.origin,
          ...(opts.cacheSize !== undefined ? { cacheBytes: opts.cacheSize } : {}),
          ...(opts.region ? { originRegion: opts.region } : {}),
          ...(opts.name ? { serverName: opts.name } : {}),
        },
      });
      const log = serverLogging(config);
      const edge = await createEdgeServer(config, await serverVersion(), {
        logger: log.logger,
        logDrops: () => log.destination.dropped(),
      });
      const url = await edge.listen();
      process.stderr.write(
        `coursecast edge listening on ${url}, origin ${opts.origin}, cache ${config.delivery.cacheBytes} bytes\n`,
      );
      code = await serveAndStop(edge, config, '', log.destination);
    });

  program
    .command('sessions')
    .description('list the running server’s just-in-time sessions (item, plan, encoder position, age, idle)')
    .option('--url <url>', 'the server (default: this configuration’s public URL)')
    .action(async (opts: { url?: string }) => {
      code = await sessionsCommand(configFrom(program), opts.url);
    });

  program
    .command('config')
    .description('print the effective configuration (secrets masked)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(describeConfig(configFrom(program)), null, 2)}\n`);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError) {
      process.stderr.write(`coursecast: ${err.message}\n`);
      return 2;
    }
    if (err instanceof MediaError) {
      process.stderr.write(`coursecast: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`coursecast: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
