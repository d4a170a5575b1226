import { UAParser } from 'ua-parser-js';
import { BrowserName, DeviceType, OSName } from 'ua-parser-js/enums';

import {
  BROWSER_FAMILIES,
  DEVICE_CLASSES,
  OS_FAMILIES,
  type BrowserFamily,
  type DeviceClass,
  type OsFamily,
} from '@coursecast/semconv';

/** What a user agent is reduced to: bounded families plus the browser's major version. */
export interface UserAgentInfo {
  browser: BrowserFamily;
  /** Digits only, at most 4 of them; null when the parser found none. */
  browserMajor: string | null;
  os: OsFamily;
  device: DeviceClass;
}

export interface UserAgentParserOptions {
  /** Most distinct user agents remembered; 0 turns the cache off. */
  cacheSize: number;
}

export interface UserAgentParser {
  parse(ua: string | undefined): UserAgentInfo;
  /** How many user agents the cache holds now. */
  readonly cacheEntries: number;
}

// Keyed by ua-parser-js's own names (its enums), so a renamed browser in a later release fails the
// typecheck instead of silently falling into 'other'. Maps, not object literals: a parsed name such
// as 'constructor' must not find an Object.prototype member.
const BROWSERS = new Map<string, BrowserFamily>([
  [BrowserName.CHROME, BROWSER_FAMILIES.chrome],
  [BrowserName.CHROME_MOBILE, BROWSER_FAMILIES.chrome],
  [BrowserName.CHROME_WEBVIEW, BROWSER_FAMILIES.chrome],
  [BrowserName.CHROME_HEADLESS, BROWSER_FAMILIES.headless_chrome],
  [BrowserName.CHROMIUM, BROWSER_FAMILIES.chromium],
  [BrowserName.EDGE, BROWSER_FAMILIES.edge],
  [BrowserName.EDGE_WEBVIEW, BROWSER_FAMILIES.edge],
  [BrowserName.EDGE_WEBVIEW2, BROWSER_FAMILIES.edge],
  [BrowserName.FIREFOX, BROWSER_FAMILIES.firefox],
  [BrowserName.FIREFOX_MOBILE, BROWSER_FAMILIES.firefox],
  [BrowserName.FIREFOX_FOCUS, BROWSER_FAMILIES.firefox],
  [BrowserName.SAFARI, BROWSER_FAMILIES.safari],
  [BrowserName.SAFARI_MOBILE, BROWSER_FAMILIES.mobile_safari],
  [BrowserName.SAMSUNG, BROWSER_FAMILIES.samsung_internet],
  [BrowserName.OPERA, BROWSER_FAMILIES.opera],
  [BrowserName.OPERA_GX, BROWSER_FAMILIES.opera],
  [BrowserName.OPERA_MINI, BROWSER_FAMILIES.opera],
  [BrowserName.OPERA_MOBI, BROWSER_FAMILIES.opera],
  [BrowserName.OPERA_TABLET, BROWSER_FAMILIES.opera],
  [BrowserName.OPERA_TOUCH, BROWSER_FAMILIES.opera],
]);

// iOS is split into ios and ipados by device type, below.
const OSES = new Map<string, OsFamily>([
  [OSName.WINDOWS, OS_FAMILIES.windows],
  [OSName.MACOS, OS_FAMILIES.macos],
  [OSName.IOS, OS_FAMILIES.ios],
  [OSName.ANDROID, OS_FAMILIES.android],
  [OSName.ANDROID_X86, OS_FAMILIES.android],
  [OSName.CHROME_OS, OS_FAMILIES.chromeos],
  ...[
    OSName.LINUX,
    OSName.ARCH,
    OSName.CENTOS,
    OSName.DEBIAN,
    OSName.DEEPIN,
    OSName.ELEMENTARY_OS,
    OSName.FEDORA,
    OSName.GENTOO,
    OSName.KUBUNTU,
    OSName.MAGEIA,
    OSName.MANDRIVA,
    OSName.MANJARO,
    OSName.MINT,
    OSName.PCLINUXOS,
    OSName.RASPBIAN,
    OSName.REDHAT,
    OSName.SLACKWARE,
    OSName.SUSE,
    OSName.UBUNTU,
    OSName.XUBUNTU,
  ].map((name): [string, OsFamily] => [name, OS_FAMILIES.linux]),
]);

const DEVICES = new Map<string, DeviceClass>([
  [DeviceType.MOBILE, DEVICE_CLASSES.mobile],
  [DeviceType.TABLET, DEVICE_CLASSES.tablet],
  [DeviceType.SMARTTV, DEVICE_CLASSES.tv],
  [DeviceType.CONSOLE, DEVICE_CLASSES.console],
]);

// ua-parser-js reports no device type for desktops; these operating systems run on one.
const DESKTOP_OSES: ReadonlySet<OsFamily> = new Set([
  OS_FAMILIES.windows,
  OS_FAMILIES.macos,
  OS_FAMILIES.linux,
  OS_FAMILIES.chromeos,
]);

// ua-parser-js reads at most this much of a user agent; cutting the key there too bounds the cache's memory.
const UA_MAX_CHARS = 500;

const UNKNOWN: UserAgentInfo = Object.freeze({
  browser: BROWSER_FAMILIES.unknown,
  browserMajor: null,
  os: OS_FAMILIES.unknown,
  device: DEVICE_CLASSES.other,
});

function family<T extends string>(
  map: ReadonlyMap<string, T>,
  name: string | undefined,
  other: T,
  unknown: T,
): T {
  if (name === undefined || name === '') return unknown;
  return map.get(name) ?? other;
}

function classify(ua: string): UserAgentInfo {
  const { browser, os, device } = UAParser(ua);
  const browserFamily = family(BROWSERS, browser.name, BROWSER_FAMILIES.other, BROWSER_FAMILIES.unknown);
  const type = device.type === undefined ? undefined : DEVICES.get(device.type);
  let osFamily = family(OSES, os.name, OS_FAMILIES.other, OS_FAMILIES.unknown);
  // An iPad in its default "desktop website" mode says Macintosh and is counted as macOS: only client
  // hints or feature checks in the page could tell, and the UA is all the server has.
  if (osFamily === OS_FAMILIES.ios && type === DEVICE_CLASSES.tablet) osFamily = OS_FAMILIES.ipados;
  const deviceClass =
    type ??
    (device.type === undefined && DESKTOP_OSES.has(osFamily) ? DEVICE_CLASSES.desktop : DEVICE_CLASSES.other);
  // Kept short and numeric: it is an attribute too, and a crafted UA must not mint new values at will.
  const major = browser.major !== undefined && /^\d{1,4}$/.test(browser.major) ? browser.major : null;
  return Object.freeze({ browser: browserFamily, browserMajor: major, os: osFamily, device: deviceClass });
}

/** Creates a user-agent parser that maps to bounded families and caches the most recent user agents. */
export function createUserAgentParser(options: UserAgentParserOptions): UserAgentParser {
  const cacheSize = Math.max(0, Math.floor(options.cacheSize));
  // A Map iterates in insertion order, so re-inserting on a hit keeps the least recently used first.
  const cache = new Map<string, UserAgentInfo>();
  return {
    parse(ua: string | undefined): UserAgentInfo {
      const key = ua?.trim().slice(0, UA_MAX_CHARS) ?? '';
      if (key === '') return UNKNOWN;
      const hit = cache.get(key);
      if (hit !== undefined) {
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      const info = classify(key);
      if (cacheSize > 0) {
        if (cache.size >= cacheSize) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
        cache.set(key, info);
      }
      return info;
    },
    get cacheEntries() {
      return cache.size;
    },
  };
}
