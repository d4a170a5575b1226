import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as UaParserLib from 'ua-parser-js';
import { UAParser } from 'ua-parser-js';
import { BROWSER_FAMILIES, DEVICE_CLASSES, OS_FAMILIES } from '@coursecast/semconv';
import { createUserAgentParser, type UserAgentInfo } from './user-agent.js';

// Spy on the library to see which calls the cache answers.
vi.mock('ua-parser-js', async (importOriginal) => {
  const lib = await importOriginal<typeof UaParserLib>();
  return { ...lib, UAParser: vi.fn(lib.UAParser) };
});

const parserSpy = vi.mocked(UAParser);

beforeEach(() => {
  parserSpy.mockClear();
});

const UA = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  firefoxUbuntu: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  samsungInternet:
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  chromeAndroidTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  // What playwright-core's Chromium sends in our e2e tests.
  headlessChromeLinux:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36',
  chromiumLinux:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/120.0.6099.224 Chrome/120.0.6099.224 Safari/537.36',
  operaWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 OPR/109.0.0.0',
  chromeOs:
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  tizenTv:
    'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36',
  playStation5:
    'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15',
  yandexWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 YaBrowser/24.4.0.0 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  curl: 'curl/8.5.0',
  garbage: 'xyzzy 123 ###',
} as const;

const info = (
  browser: UserAgentInfo['browser'],
  browserMajor: string | null,
  os: UserAgentInfo['os'],
  device: UserAgentInfo['device'],
): UserAgentInfo => ({ browser, browserMajor, os, device });

describe('createUserAgentParser: families', () => {
  const parser = createUserAgentParser({ cacheSize: 100 });

  it.each([
    ['Chrome on Windows', UA.chromeWindows, info('chrome', '124', 'windows', 'desktop')],
    ['Edge on Windows', UA.edgeWindows, info('edge', '124', 'windows', 'desktop')],
    ['Firefox on Linux', UA.firefoxLinux, info('firefox', '125', 'linux', 'desktop')],
    [
      'Firefox on Ubuntu (a distribution is linux)',
      UA.firefoxUbuntu,
      info('firefox', '125', 'linux', 'desktop'),
    ],
    ['Safari on macOS', UA.safariMac, info('safari', '17', 'macos', 'desktop')],
    ['Safari on iPhone', UA.safariIphone, info('mobile_safari', '17', 'ios', 'mobile')],
    ['Safari on iPad', UA.safariIpad, info('mobile_safari', '17', 'ipados', 'tablet')],
    ['Samsung Internet', UA.samsungInternet, info('samsung_internet', '24', 'android', 'mobile')],
    ['Chrome on an Android phone', UA.chromeAndroid, info('chrome', '124', 'android', 'mobile')],
    ['Chrome on an Android tablet', UA.chromeAndroidTablet, info('chrome', '124', 'android', 'tablet')],
    ['HeadlessChrome on Linux', UA.headlessChromeLinux, info('headless_chrome', '131', 'linux', 'desktop')],
    ['Chromium on Linux', UA.chromiumLinux, info('chromium', '120', 'linux', 'desktop')],
    ['Opera on Windows', UA.operaWindows, info('opera', '109', 'windows', 'desktop')],
    ['Chrome on ChromeOS', UA.chromeOs, info('chrome', '124', 'chromeos', 'desktop')],
    ['a Tizen TV', UA.tizenTv, info('safari', '1', 'other', 'tv')],
    ['a PlayStation 5', UA.playStation5, info('safari', '13', 'other', 'console')],
    ['a browser outside the families', UA.yandexWindows, info('other', '24', 'windows', 'desktop')],
    ['Googlebot', UA.googlebot, info('unknown', null, 'unknown', 'other')],
    ['curl', UA.curl, info('unknown', null, 'unknown', 'other')],
    ['garbage', UA.garbage, info('unknown', null, 'unknown', 'other')],
    ['an empty string', '', info('unknown', null, 'unknown', 'other')],
    ['whitespace', '   ', info('unknown', null, 'unknown', 'other')],
  ])('%s', (_name, ua, expected) => {
    expect(parser.parse(ua)).toEqual(expected);
  });

  it('answers unknown for a missing user agent without asking the library', () => {
    expect(parser.parse(undefined)).toEqual(info('unknown', null, 'unknown', 'other'));
    // The library would fall back to a global navigator where one exists.
    expect(parserSpy).not.toHaveBeenCalled();
  });

  it('only ever answers values from the fixed sets', () => {
    const browsers = new Set<string>(Object.values(BROWSER_FAMILIES));
    const oses = new Set<string>(Object.values(OS_FAMILIES));
    const devices = new Set<string>(Object.values(DEVICE_CLASSES));
    for (const ua of [...Object.values(UA), undefined, 'Mozilla/5.0 (constructor) toString/1']) {
      const result = parser.parse(ua);
      expect(browsers).toContain(result.browser);
      expect(oses).toContain(result.os);
      expect(devices).toContain(result.device);
      expect(result.browserMajor === null || /^\d{1,4}$/.test(result.browserMajor)).toBe(true);
    }
  });

  it('drops a browser major version that is not a short number', () => {
    expect(parser.parse('Mozilla/5.0 (X11; Linux x86_64) Firefox/12345678.0').browserMajor).toBeNull();
  });
});

describe('createUserAgentParser: cache', () => {
  it('answers a repeated user agent from the cache', () => {
    const parser = createUserAgentParser({ cacheSize: 10 });
    const first = parser.parse(UA.chromeWindows);
    for (let i = 0; i < 5; i++) expect(parser.parse(UA.chromeWindows)).toBe(first);
    expect(parserSpy).toHaveBeenCalledTimes(1);
  });

  it('holds at most cacheSize user agents', () => {
    const parser = createUserAgentParser({ cacheSize: 10 });
    for (let i = 0; i < 1000; i++) parser.parse(`Mozilla/5.0 (X11; Linux x86_64) Firefox/${i}.0`);
    expect(parser.cacheEntries).toBe(10);
  });

  it('evicts the least recently used user agent, not the oldest inserted', () => {
    const parser = createUserAgentParser({ cacheSize: 2 });
    parser.parse(UA.chromeWindows);
    parser.parse(UA.safariMac);
    parser.parse(UA.chromeWindows); // hit: Safari is now the least recently used
    parser.parse(UA.firefoxLinux); // evicts Safari
    expect(parserSpy).toHaveBeenCalledTimes(3);
    parser.parse(UA.chromeWindows); // still cached
    expect(parserSpy).toHaveBeenCalledTimes(3);
    parser.parse(UA.safariMac); // evicted, parsed again
    expect(parserSpy).toHaveBeenCalledTimes(4);
    expect(parser.cacheEntries).toBe(2);
  });

  it('caches nothing with cacheSize 0', () => {
    const parser = createUserAgentParser({ cacheSize: 0 });
    parser.parse(UA.chromeWindows);
    parser.parse(UA.chromeWindows);
    expect(parserSpy).toHaveBeenCalledTimes(2);
    expect(parser.cacheEntries).toBe(0);
  });

  it('keys a huge user agent by its first 500 characters, as far as the library reads it', () => {
    const parser = createUserAgentParser({ cacheSize: 10 });
    const long = UA.chromeWindows + ' x'.repeat(50_000);
    expect(parser.parse(long)).toEqual(info('chrome', '124', 'windows', 'desktop'));
    expect(parser.parse(`${long} something else`)).toEqual(info('chrome', '124', 'windows', 'desktop'));
    expect(parserSpy).toHaveBeenCalledTimes(1);
    expect(parserSpy.mock.calls[0]?.[0]).toHaveLength(500);
  });
});
