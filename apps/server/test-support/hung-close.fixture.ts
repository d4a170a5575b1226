// Child process for the shutdown tests: serves until a signal like `coursecast serve`, but its close never ends
// (a stuck write, a child that won't die). Prints READY once its signal handlers are in place.
// Run: node --conditions=source --import tsx hung-close.fixture.ts <deadline ms>
import { serveUntilSignal } from '../src/cli/serve-until-signal.js';

const deadlineMs = Number(process.argv[2]);
// Something keeps the event loop alive, as a listening server does.
setInterval(() => {}, 1000);
const hung = { close: () => new Promise<void>(() => {}) };
const code = serveUntilSignal(hung, {
  note: '',
  deadlineMs,
  process,
  notice: (text) => process.stderr.write(text),
});
process.stdout.write('READY\n');
process.exitCode = await code;
