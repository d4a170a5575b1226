import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SHOWN_NAME, showName } from './zip-entry-name.js';
import {
  rawZip,
  tryUnpack,
  unixAttributes,
  UNIX_MODES,
  writtenPaths,
  zipWorkspace,
  type RawEntry,
  type ZipWorkspace,
} from '../../../test-support/zip-fixtures.js';
import { PACKAGE_REJECTIONS, PackageError, unpackZip, type PackageRejection } from './zip-unpacker.js';

/* Entry names and types, judged by unpackZip before it writes anything. */

const R = PACKAGE_REJECTIONS;
const NOTHING_WRITTEN = ['stage', 'stage/dest'];
let ws: ZipWorkspace;

beforeEach(async () => {
  ws = await zipWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

/** One harmless file, then `entries`: refused for `reason`, naming `shown`, with nothing written anywhere. */
async function expectRefused(
  entries: RawEntry | RawEntry[],
  reason: PackageRejection,
  shown: string,
): Promise<void> {
  const zip = rawZip([{ name: 'start.html', data: '<!doctype html>' }, ...[entries].flat()]);
  const err = await tryUnpack(ws, zip);
  expect(err).toBeInstanceOf(PackageError);
  const refusal = err as PackageError;
  expect({ reason: refusal.reason, entry: refusal.entry }).toEqual({ reason, entry: shown });
  expect(refusal.message).toContain(JSON.stringify(shown));
  expect(await writtenPaths(ws)).toEqual(NOTHING_WRITTEN);
}

describe('entry names', () => {
  it('accepts odd but harmless names: CP437, backslashes, dots inside names, a 255-byte segment', async () => {
    const long = 'é'.repeat(127) + 'x'; // 255 bytes
    const zip = rawZip([
      { name: Buffer.from([0x82, 0x74, 0x82, 0x2e, 0x74, 0x78, 0x74]) }, // CP437 "été.txt"
      { name: 'win\\path\\file.txt', data: 'w' },
      { name: 'lib/__coursecast/x.js', data: 'nested, not top-level' },
      { name: '..foo/bar..', data: 'd' },
      { name: '...', data: 'd' },
      { name: 'ab:c.txt', data: 'c' },
      { name: `deep/${long}`, data: 'l' },
    ]);
    const result = await unpackZip(await ws.writeZip(zip), ws.dest);
    expect(result.entries.map((e) => e.path)).toEqual([
      'été.txt',
      'win/path/file.txt',
      'lib/__coursecast/x.js',
      '..foo/bar..',
      '...',
      'ab:c.txt',
      `deep/${long}`,
    ]);
    expect(await readFile(path.join(ws.dest, 'win', 'path', 'file.txt'), 'utf8')).toBe('w');
  });

  it.each([
    ['../escaped.txt', '../escaped.txt'],
    ['a/../../escaped.txt', 'a/../../escaped.txt'],
    ['..\\escaped.txt', '../escaped.txt'],
    ['ok\\..\\..\\escaped.txt', 'ok/../../escaped.txt'],
    ['..', '..'],
    ['../', '../'],
    ['a/..', 'a/..'],
  ])('zip_slip: %j', async (name, shown) => {
    await expectRefused({ name, data: 'pwned' }, R.zipSlip, shown);
  });

  it('absolute_path: a name under /tmp is not written there', async () => {
    const target = path.join(os.tmpdir(), `coursecast-abs-${randomUUID()}.txt`);
    await expectRefused({ name: target, data: 'pwned' }, R.absolutePath, target);
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['/', '/'],
    ['/etc/cron.d/x', '/etc/cron.d/x'],
    ['C:/x.txt', 'C:/x.txt'],
    ['C:\\x.txt', 'C:/x.txt'],
    ['c:x.txt', 'c:x.txt'],
    ['\\\\host\\share\\x.txt', '//host/share/x.txt'],
    ['\\x.txt', '/x.txt'],
  ])('absolute_path: %j', async (name, shown) => {
    await expectRefused({ name, data: 'x' }, R.absolutePath, shown);
  });

  const longName = `${'abcdefghi/'.repeat(103)}x`;
  it.each([
    ['NUL', { name: 'a\u0000b.html' }, 'a\\x00b.html'],
    ['a control byte in a CP437 name (shown as its glyph)', { name: Buffer.from([0x61, 0x01, 0x62]) }, 'a☺b'],
    ['BEL', { name: 'a\u0007b' }, 'a\\x07b'],
    ['DEL', { name: 'a\u007fb' }, 'a\\x7fb'],
    ['a C1 control', { name: 'a\u0085b' }, 'a\\x85b'],
    [
      'bytes that are not UTF-8 under bit 11',
      { name: Buffer.from([0x61, 0xff, 0x62]), utf8: true },
      'a\ufffdb',
    ],
    ['an empty name', { name: '' }, ''],
    ['an empty segment', { name: 'a//b.html' }, 'a//b.html'],
    ['a doubled trailing slash', { name: 'dir//' }, 'dir//'],
    ['a leading "."', { name: './index2.html' }, './index2.html'],
    ['a "." segment', { name: 'a/./b.html' }, 'a/./b.html'],
    ['a 256-byte segment', { name: 'x'.repeat(256) }, 'x'.repeat(256)],
    ['a 256-byte segment of 128 characters', { name: 'é'.repeat(128) }, 'é'.repeat(128)],
    ['a name over 1024 bytes (shown cut to 256 characters)', { name: longName }, longName.slice(0, 256)],
  ])('invalid_name: %s', async (_label, entry: RawEntry, shown) => {
    await expectRefused({ data: 'x', ...entry }, R.invalidName, shown);
  });

  it.each(['__coursecast/scorm-runtime.js', '__coursecast/', '__CourseCast/x.js', '__coursecast'])(
    'reserved_name: %j',
    async (name) => {
      await expectRefused({ name }, R.reservedName, name);
    },
  );

  it('symlink: Unix mode 0o120777', async () => {
    const entry = {
      name: 'link',
      data: '/etc/passwd',
      externalAttributes: unixAttributes(UNIX_MODES.symlink),
    };
    await expectRefused(entry, R.symlink, 'link');
  });

  it.each([
    ['fifo', UNIX_MODES.fifo],
    ['character device', UNIX_MODES.charDevice],
    ['block device', UNIX_MODES.blockDevice],
    ['socket', UNIX_MODES.socket],
  ])('special_file: %s', async (_label, mode) => {
    await expectRefused({ name: 'node', externalAttributes: unixAttributes(mode) }, R.specialFile, 'node');
  });

  it.each([
    ['the same name twice', ['a.html', 'a.html']],
    ['names differing in case', ['Index.html', 'index.HTML']],
    ['NFC and NFD forms of one name', ['\u00e9t\u00e9.html', 'e\u0301te\u0301.html']],
    ['a file, then a file inside it', ['a', 'a/b.html']],
    ['a file inside a folder, then a file of the folder name', ['a/b.html', 'A']],
    ['a file, then a folder of its name', ['a', 'a/']],
    ['a folder, then a file of its name', ['a/', 'A']],
    ['a folder listed twice', ['d/', 'd/']],
  ])('duplicate_name: %s', async (_label, names) => {
    const entries = names.map((name) => ({ name, data: name.endsWith('/') ? '' : 'x' }));
    await expectRefused(entries, R.duplicateName, names[1]!);
  });
});

describe('showName', () => {
  it('escapes control characters and cuts at 256 characters, never inside a surrogate pair', () => {
    expect(showName('a\u0000b\u001b[31m')).toBe('a\\x00b\\x1b[31m');
    expect(showName('x'.repeat(300))).toHaveLength(MAX_SHOWN_NAME);
    const cut = showName(`${'x'.repeat(255)}😀`);
    expect(cut).toBe('x'.repeat(255));
  });
});
