import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { MediaError } from '@coursecast/media';
import { demoCommand } from './cli/demo-command.js';
import { sessionsCommand } from './cli/sessions-command.js';
import { transcodeCommand } from './cli/transcode-command.js';
import { asBytes, ConfigError, describeConfig, loadConfig, type Config, type ConfigInput } from './config.js';
import { createEdgeServer } from './delivery/edge/edge-server.js';
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

/** Keeps a server up until SIGINT/SIGTERM, then shuts down gracefully. */
function serveUntilSignal(server: { close(): Promise<void> }, note: string): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.stderr.write(`\n${signal}: shutting down${note}...\n`);
      server.close().then(
        () => resolve(0),
        (err: unknown) => {
          process.stderr.write(`shutdown failed: ${String(err)}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
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
      const cc = await createCoursecast(config, { logger: { level: config.logLevel } });
      const url = await cc.listen();
      process.stderr.write(`coursecast listening on ${url}\n`);
      if (cc.admin.source === 'generated') {
        process.stderr.write(`admin token (generated, kept in ${cc.admin.file}): ${cc.admin.token}\n`);
      }
      code = await serveUntilSignal(cc, running(cc.config));
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
      code = await serveUntilSignal(cc, running(cc.config));
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
      const edge = await createEdgeServer(config, await serverVersion(), {
        logger: { level: config.logLevel },
      });
      const url = await edge.listen();
      process.stderr.write(
        `coursecast edge listening on ${url}, origin ${opts.origin}, cache ${config.delivery.cacheBytes} bytes\n`,
      );
      code = await serveUntilSignal(edge, '');
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
