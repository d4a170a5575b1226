// `npm run bench -- <name>`: runs bench/<name>/<name>-bench.ts; its last stdout line is one JSON object.
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${root}${d.name}/${d.name}-bench.ts`))
  .map((d) => d.name);
const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name>\navailable: ${available.join(', ')}\n`);
  process.exit(2);
}
const mod = (await import(`./${name}/${name}-bench.ts`)) as { main: (args: string[]) => Promise<object> };
const result = await mod.main(process.argv.slice(3));
process.stdout.write(`${JSON.stringify(result)}\n`);
