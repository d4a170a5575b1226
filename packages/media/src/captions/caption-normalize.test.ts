import { describe, expect, it } from 'vitest';
import { CaptionError } from './caption-error.js';
import { captionLanguage } from './caption-language.js';
import { formatCueTime, normalizeCaptions, type CaptionOptions } from './caption-normalize.js';

const OPTIONS: CaptionOptions = { durationSeconds: 60, maxBytes: 10 * 1024 * 1024 };
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const normalize = (s: string | Uint8Array, o: Partial<CaptionOptions> = {}) =>
  normalizeCaptions(typeof s === 'string' ? utf8(s) : s, { ...OPTIONS, ...o });

/** The CaptionError a call throws (fails the test if it throws nothing or something else). */
function refusal(fn: () => unknown): CaptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CaptionError);
    return err as CaptionError;
  }
  throw new Error('the file was accepted');
}

const VTT = `WEBVTT

intro
00:00:01.000 --> 00:00:03.500
Welcome to <b>signals</b> &amp; systems.

00:00:04.000 --> 00:00:06.000 align:start
<v Ada>Sampling comes first.</v>
`;

describe('caption files made into the WebVTT coursecast publishes', () => {
  it('keeps a valid WebVTT: cues, ids, settings, WebVTT markup', () => {
    const out = normalize(VTT);
    expect(out).toMatchObject({ cueCount: 2, format: 'webvtt', encoding: 'utf-8', warnings: [] });
    expect(out.vtt).toMatch(
      /^WEBVTT\n\nintro\n00:01\.000 --> 00:03\.500\nWelcome to <b>signals<\/b> &amp; systems\./,
    );
    expect(out.vtt).toContain('00:04.000 --> 00:06.000 align:start\n<v Ada>Sampling comes first.</v>');
  });

  it('names the line of a malformed timestamp and of a reversed cue', () => {
    const bad = refusal(() =>
      normalize('WEBVTT\n\n00:00:01.000 --> 00:00:03.500\nok\n\n00:00:0x.000 --> 00:00:05.000\nbad\n'),
    );
    expect(bad.line).toBe(6);
    expect(bad.message).toMatch(/^line 6: /);
    const reversed = refusal(() => normalize('WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nbackwards\n'));
    expect(reversed.line).toBe(3);
    expect(reversed.message).toMatch(/End timestamp is not greater than start timestamp/);
  });

  it('sorts cues out of order and keeps overlapping ones, saying so', () => {
    const out = normalize(
      'WEBVTT\n\n00:00:05.000 --> 00:00:07.000\nsecond\n\n00:00:01.000 --> 00:00:06.000\nfirst, long\n',
    );
    expect(out.vtt.indexOf('first, long')).toBeLessThan(out.vtt.indexOf('second'));
    expect(out.warnings).toEqual([
      'cues were out of order: they are sorted by start time',
      '1 cue(s) overlap the one before: both show at once',
    ]);
  });

  it("refuses a cue that starts after the lecture's end, cuts one that runs past it", () => {
    const late = refusal(() =>
      normalize('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n01:02:03.000 --> 01:02:04.000\nlate\n'),
    );
    expect(late.line).toBe(6);
    expect(late.message).toMatch(/starts at 1:02:03\.000, after the lecture's end \(0:01:00\.000\)/);
    const long = normalize('WEBVTT\n\n00:00:58.000 --> 00:01:05.000\nlast words\n');
    expect(long.vtt).toContain('00:58.000 --> 01:00.000');
    expect(long.warnings).toEqual(["1 cue(s) ran past the lecture's end: cut at 0:01:00.000"]);
    expect(
      normalize('WEBVTT\n\n01:02:03.000 --> 01:02:04.000\nx\n', { durationSeconds: null }).cueCount,
    ).toBe(1);
  });

  it('converts an SRT with a BOM and CRLF line ends, and names SRT lines as uploaded', () => {
    const srt =
      '\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nWorld\r\n';
    const out = normalize(srt);
    expect(out).toMatchObject({ format: 'srt', cueCount: 2, warnings: [] });
    expect(out.vtt).toBe(
      'WEBVTT\n\n1\n00:01.000 --> 00:02.500\nHello\n\n2\n00:03.000 --> 00:04.000\nWorld\n\n',
    );
    const bad = refusal(() =>
      normalize('1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 --> 00:0:04,000\nbad\n'),
    );
    expect(bad.line).toBe(6);
  });

  it('reads UTF-16 (with or without a BOM) and Latin-1, converting to UTF-8', () => {
    const text = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nÉcoute, señor: ½ € ü\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(Buffer.from(text, 'utf16le')).swap16();
    const beBom = Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
    for (const [bytes, encoding] of [
      [le, 'utf-16le'],
      [beBom, 'utf-16be'],
      [Buffer.from(text, 'utf16le'), 'utf-16le'],
    ] as const) {
      const out = normalize(bytes);
      expect(out.encoding).toBe(encoding);
      expect(out.vtt).toContain('Écoute, señor: ½ € ü');
      expect(out.warnings).toEqual([`converted from ${encoding} to UTF-8`]);
    }
    const latin1 = Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nCaf\xe9 cr\xe8me\n', 'latin1');
    const out = normalize(latin1);
    expect(out.encoding).toBe('windows-1252');
    expect(out.vtt).toContain('Café crème');
  });

  it('never lets markup through: a <script> in a cue is dropped, its words stay text', () => {
    const out = normalize(
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nclick <script>alert(1)</script><img src=x onerror=alert(2)> 1 < 2\n',
    );
    expect(out.vtt).not.toMatch(/<script|<img|onerror=alert\(2\)>/);
    expect(out.vtt).toContain('click alert(1)');
    // Entities are read as HTML's, and written back escaped.
    const text = normalize('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA &amp; B &lt; C &eacute;\n');
    expect(text.vtt).toBe('WEBVTT\n\n00:01.000 --> 00:02.000\nA &amp; B &lt; C é\n\n');
  });

  it('refuses a file over the size limit before reading it, and what is no caption file at all', () => {
    const huge = new Uint8Array(50 * 1024 * 1024);
    expect(refusal(() => normalize(huge)).message).toBe('the file is 50.0 MB, over the 10.0 MB limit');
    expect(refusal(() => normalize('<html><body>not captions</body></html>')).message).toMatch(
      /^line 1: the file is neither WebVTT .* nor SubRip/,
    );
    expect(refusal(() => normalize(new Uint8Array([0x57, 0x45, 0, 0, 1, 2, 3]))).message).toMatch(/not text/);
    expect(refusal(() => normalize('WEBVTT\n\nNOTE nothing here\n')).message).toBe('the file has no cues');
  });

  it('formats cue times for messages', () => {
    expect(formatCueTime(3723.5)).toBe('1:02:03.500');
    expect(formatCueTime(0.001)).toBe('0:00:00.001');
  });
});

describe('caption languages', () => {
  it('takes BCP 47 tags in their canonical form, with a name', () => {
    expect(captionLanguage('en')).toEqual({ tag: 'en', name: 'English' });
    expect(captionLanguage('pt-br')).toEqual({ tag: 'pt-BR', name: 'Brazilian Portuguese' });
    expect(captionLanguage('zh-hant').tag).toBe('zh-Hant');
  });

  it('refuses a malformed tag and a language nobody has, saying what a tag looks like', () => {
    for (const bad of ['en_US', '12', 'x-klingon']) {
      expect(refusal(() => captionLanguage(bad)).message).toMatch(/is not a BCP 47 language tag/);
    }
    for (const unknown of ['xx', 'qq', 'und']) {
      expect(refusal(() => captionLanguage(unknown)).message).toMatch(/names no known language/);
    }
  });
});
