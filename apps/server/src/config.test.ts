import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './config.js';

function tempFile(content: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-config-'));
  const file = path.join(dir, 'coursecast.json');
  writeFileSync(file, content);
  return file;
}

describe('loadConfig', () => {
  it('gives defaults with an empty environment', () => {
    const c = loadConfig({ env: {} });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.transcode.ladder).toEqual([1080, 720, 480, 360]);
    expect(path.isAbsolute(c.dataDir)).toBe(true);
  });

  it('reads COURSECAST_* and OTEL_* variables', () => {
    const c = loadConfig({
      env: {
        COURSECAST_PORT: '9090',
        COURSECAST_HOST: '0.0.0.0',
        COURSECAST_DATA_DIR: '/tmp/cc-data',
        COURSECAST_ADMIN_TOKEN: 'a-very-long-secret-token',
        COURSECAST_LADDER: '720p, 360',
        COURSECAST_ALLOW_COPY: 'false',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%20def,x=1',
      },
    });
    expect(c.port).toBe(9090);
    expect(c.host).toBe('0.0.0.0');
    expect(c.dataDir).toBe('/tmp/cc-data');
    expect(c.adminToken).toBe('a-very-long-secret-token');
    expect(c.transcode.ladder).toEqual([720, 360]);
    expect(c.transcode.allowCopy).toBe(false);
    expect(c.instrumentation.otlpEndpoint).toBe('http://collector:4318');
    expect(c.instrumentation.otlpHeaders).toEqual({ 'api-key': 'abc def', x: '1' });
  });

  it('layers file < env < overrides and resolves dataDir against the file', () => {
    const file = tempFile(JSON.stringify({ port: 7000, dataDir: 'store', transcode: { concurrency: 2 } }));
    const c = loadConfig({ env: { COURSECAST_PORT: '7001' }, file, overrides: { host: '::1' } });
    expect(c.port).toBe(7001);
    expect(c.host).toBe('::1');
    expect(c.transcode.concurrency).toBe(2);
    expect(c.dataDir).toBe(path.join(path.dirname(file), 'store'));
  });

  it('names the variable of every invalid setting', () => {
    let error: unknown;
    try {
      loadConfig({
        env: { COURSECAST_PORT: '70000', COURSECAST_ADMIN_TOKEN: 'short', COURSECAST_LADDER: 'abc' },
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/COURSECAST_PORT \(port\)/);
    expect(problems).toMatch(/COURSECAST_ADMIN_TOKEN \(adminToken\): admin token must be at least 16/);
    expect(problems).toMatch(/COURSECAST_LADDER/);
  });

  it('reads trusted proxies as addresses and CIDR ranges, and names one that is neither', () => {
    const ok = loadConfig({ env: { COURSECAST_TRUSTED_PROXIES: '10.0.0.0/8, 2001:db8::/32,192.0.2.7' } });
    expect(ok.trustedProxies).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    for (const bad of ['10.0.0.0/33', 'proxy.example', '10.0.0.1/8/8']) {
      expect(() => loadConfig({ env: { COURSECAST_TRUSTED_PROXIES: bad } })).toThrow(
        /COURSECAST_TRUSTED_PROXIES.*an IP address or CIDR range/,
      );
    }
  });

  it('keeps test fault injection off unless COURSECAST_TEST_FAULTS or the file turns it on', () => {
    expect(loadConfig({ env: {} }).testing.faults).toBe(false);
    expect(loadConfig({ env: { COURSECAST_TEST_FAULTS: '1' } }).testing.faults).toBe(true);
    expect(loadConfig({ env: { COURSECAST_TEST_FAULTS: 'false' } }).testing.faults).toBe(false);
    expect(loadConfig({ env: {}, file: tempFile('{"testing": {"faults": true}}') }).testing.faults).toBe(
      true,
    );
    expect(() => loadConfig({ env: { COURSECAST_TEST_FAULTS: 'maybe' } })).toThrow(
      /COURSECAST_TEST_FAULTS \(testing\.faults\)/,
    );
  });

  it('rejects unknown keys and bad JSON in the config file', () => {
    expect(() => loadConfig({ env: {}, file: tempFile('{"prot": 1}') })).toThrow(/prot/);
    expect(() => loadConfig({ env: {}, file: tempFile('{nope') })).toThrow(/invalid JSON/);
    expect(() => loadConfig({ env: {}, file: '/nonexistent/cc.json' })).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('masks secrets when described', () => {
    const c = loadConfig({
      env: {
        COURSECAST_ADMIN_TOKEN: 'super-secret-token-1234',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=xyz',
        COURSECAST_ACCESS: 'enrolled',
        COURSECAST_MEDIA_KEY: 'media-key-secret-0123456789abcdefgh',
      },
    });
    const text = JSON.stringify(describeConfig(c));
    expect(text).not.toContain('super-secret-token');
    expect(text).toContain('****1234');
    expect(text).not.toContain('xyz');
    expect(text).not.toContain('media-key-secret');
  });

  it('takes enrolled access only with a media key, and names what is wrong with one', () => {
    expect(loadConfig({ env: {} }).lti).toMatchObject({ access: 'public', mediaKey: null });
    expect(() => loadConfig({ env: { COURSECAST_ACCESS: 'enrolled' } })).toThrow(
      /COURSECAST_MEDIA_KEY.*openssl rand -base64 32/,
    );
    expect(() =>
      loadConfig({ env: { COURSECAST_ACCESS: 'enrolled', COURSECAST_MEDIA_KEY: 'short' } }),
    ).toThrow(/COURSECAST_MEDIA_KEY \(lti.mediaKey\): at least 32 characters/);
    expect(() => loadConfig({ env: { COURSECAST_ACCESS: 'members' } })).toThrow(/COURSECAST_ACCESS/);
  });
});
