import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createMediaLinks, linkedPath, mediaUrlsFor } from './media-links.js';

const KEY = 'k'.repeat(32);
const NOW = 1_800_000_000_000;
const grant = { subject: 'lrn_abc', expiresAt: NOW / 1000 + 3600 };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe('media_link_refused');
    expect(e.status).toBe(403);
    return e.message;
  }
  throw new Error('the link was accepted');
}

describe('signed media links', () => {
  const links = createMediaLinks(KEY, () => NOW);

  it('opens a link it signed, for any file of that item version', () => {
    const link = links.sign('itm_1', 'job_2', grant);
    expect(link).toMatch(/^1800003600\.lrn_abc\.[A-Za-z0-9_-]{22}$/);
    expect(links.open(`${link}/itm_1/job_2/master.m3u8`)).toEqual({
      link,
      rest: 'itm_1/job_2/master.m3u8',
      expiresMs: 1_800_003_600_000,
    });
    expect(links.open(`${link}/itm_1/job_2/v0/seg_00001.m4s`).rest).toBe('itm_1/job_2/v0/seg_00001.m4s');
  });

  it('signs what nginx secure_link_md5 computes: MD5 of "expires item/version subject key", base64url', () => {
    const expected = createHash('md5').update(`1800003600 itm_1/job_2 lrn_abc ${KEY}`).digest('base64url');
    expect(links.sign('itm_1', 'job_2', grant)).toBe(`1800003600.lrn_abc.${expected}`);
  });

  it('refuses another item, another version, another subject, a later expiry, a changed signature', () => {
    const link = links.sign('itm_1', 'job_2', grant);
    const [expires, subject, sig] = link.split('.') as [string, string, string];
    expect(refusal(() => links.open(`${link}/itm_9/job_2/master.m3u8`))).toMatch(/not signed/);
    expect(refusal(() => links.open(`${link}/itm_1/job_3/master.m3u8`))).toMatch(/not signed/);
    expect(refusal(() => links.open(`${expires}.lrn_xyz.${sig}/itm_1/job_2/a.m4s`))).toMatch(/not signed/);
    expect(refusal(() => links.open(`${Number(expires) + 1}.${subject}.${sig}/itm_1/job_2/a`))).toMatch(
      /not signed/,
    );
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(refusal(() => links.open(`${expires}.${subject}.${flipped}/itm_1/job_2/a`))).toMatch(/not signed/);
    // Another server's key.
    const other = createMediaLinks('o'.repeat(32), () => NOW).sign('itm_1', 'job_2', grant);
    expect(refusal(() => links.open(`${other}/itm_1/job_2/a`))).toMatch(/not signed/);
  });

  it('refuses an expired link, and malformed ones, saying which', () => {
    const old = links.sign('itm_1', 'job_2', { subject: 'lrn_abc', expiresAt: NOW / 1000 - 1 });
    expect(refusal(() => links.open(`${old}/itm_1/job_2/master.m3u8`))).toMatch(/expired/);
    expect(refusal(() => links.open('nonsense/itm_1/job_2/a'))).toMatch(/malformed/);
    expect(refusal(() => links.open('1.a.bbbbbbbbbbbbbbbbbbbbbb'))).toMatch(/names no item/);
    const link = links.sign('itm_1', 'job_2', grant);
    expect(refusal(() => links.open(`${link}/itm_1`))).toMatch(/names no item/);
    expect(refusal(() => links.open(`${link}/../job_2/a`))).toMatch(/names no item/);
  });

  it('checks the expiry on every request, also of a link it has already checked', () => {
    let now = NOW;
    const clocked = createMediaLinks(KEY, () => now);
    const link = clocked.sign('itm_1', 'job_2', { subject: 'lrn_abc', expiresAt: NOW / 1000 + 10 });
    expect(clocked.open(`${link}/itm_1/job_2/a.m4s`).rest).toBe('itm_1/job_2/a.m4s');
    now += 11_000;
    expect(refusal(() => clocked.open(`${link}/itm_1/job_2/b.m4s`))).toMatch(/expired/);
    // A remembered link does not open another version.
    now = NOW;
    expect(refusal(() => clocked.open(`${link}/itm_1/job_3/a.m4s`))).toMatch(/not signed/);
  });

  it('makes signed URL paths for a grant, plain ones without', () => {
    const urls = mediaUrlsFor(links, grant);
    const link = links.sign('itm_1', 'job_2', grant);
    expect(urls.path('itm_1', 'job_2', 'master.m3u8')).toBe(`/m/${link}/itm_1/job_2/master.m3u8`);
    expect(linkedPath(link, 'itm_1', 'job_2', 'a b.pdf')).toBe(`/m/${link}/itm_1/job_2/a b.pdf`);
    expect(urls.link('itm_1', 'job_2')).toBe(link);
    const plain = mediaUrlsFor(links, null);
    expect(plain.path('itm_1', 'job_2', 'master.m3u8')).toBe('/media/itm_1/job_2/master.m3u8');
    expect(plain.link('itm_1', 'job_2')).toBeNull();
  });
});
