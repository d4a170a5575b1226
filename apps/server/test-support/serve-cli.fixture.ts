// Child process for tests of `coursecast serve` as an operator runs it: the CLI's own signal handling, logger
// and exit code, from the TypeScript source. Run: node --conditions=source --import tsx serve-cli.fixture.ts serve
import { runCli } from '../src/cli.js';

process.exitCode = await runCli(process.argv);
