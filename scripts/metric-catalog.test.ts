import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMetricCatalog } from './metric-catalog.js';

describe('docs/metric-catalog.md', () => {
  it('is up to date with packages/semconv (run `npm run docs:metrics`)', () => {
    const onDisk = readFileSync(new URL('../docs/metric-catalog.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderMetricCatalog());
  });
});
