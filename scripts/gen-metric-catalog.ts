import { writeFileSync } from 'node:fs';
import { renderMetricCatalog } from './metric-catalog.js';

const target = new URL('../docs/metric-catalog.md', import.meta.url);
writeFileSync(target, renderMetricCatalog());
process.stdout.write(`wrote ${target.pathname}\n`);
