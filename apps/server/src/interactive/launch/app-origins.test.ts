import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigInput } from '../../config.js';
import { appOriginsOf, contentOriginOf } from './app-origins.js';

const config = (overrides: ConfigInput) => loadConfig({ env: {}, overrides });

describe('the app origins that may frame a launch', () => {
  it('are the public URL and the configured extras when a public URL is set', () => {
    const c = config({
      publicUrl: 'https://learn.example.edu/',
      content: { publicUrl: 'https://content.example-cdn.net', appOrigins: ['https://lms.example.edu/path'] },
    });
    expect(appOriginsOf(c, 8080)).toEqual(['https://learn.example.edu', 'https://lms.example.edu']);
    expect(contentOriginOf(c, 8081)).toBe('https://content.example-cdn.net');
  });

  it('are the app’s port under each loopback name when the server listens on loopback without a public URL', () => {
    const c = config({ host: '127.0.0.1', port: 8080 });
    expect(appOriginsOf(c, 41234)).toEqual(['http://127.0.0.1:41234', 'http://localhost:41234']);
    expect(contentOriginOf(c, undefined)).toBe('http://127.0.0.1:8081');
  });

  it('are only the listening address on another interface', () => {
    const c = config({ host: '10.0.0.5', port: 9000 });
    expect(appOriginsOf(c, undefined)).toEqual(['http://10.0.0.5:9000']);
    expect(contentOriginOf(c, undefined)).toBe('http://10.0.0.5:9001');
  });
});

describe('the content section of the configuration', () => {
  it('names a package source that is not a scheme or an origin', () => {
    expect(() => config({ content: { packageSources: ["https: 'unsafe-inline'"] } })).toThrow(
      /content\.packageSources\.0: a scheme \(https:\), an origin or https:\/\/\*\.host/,
    );
    expect(() => loadConfig({ env: { COURSECAST_PACKAGE_SOURCES: 'https://cdn.example.com/path' } })).toThrow(
      /COURSECAST_PACKAGE_SOURCES \(content\.packageSources\.0\): a scheme/,
    );
  });

  it('reads COURSECAST_PACKAGE_SOURCES=none as no source at all', () => {
    expect(loadConfig({ env: { COURSECAST_PACKAGE_SOURCES: 'none' } }).content.packageSources).toEqual([]);
    expect(
      loadConfig({ env: { COURSECAST_PACKAGE_SOURCES: 'https:, http://127.0.0.1:9000' } }).content
        .packageSources,
    ).toEqual(['https:', 'http://127.0.0.1:9000']);
  });
});
