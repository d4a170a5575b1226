import { describe, expect, it } from 'vitest';
import { samplePdf } from './sample-pdf.js';

describe('samplePdf', () => {
  const pdf = samplePdf(['Hello (PDF) \\ world']);
  const text = pdf.toString('latin1');

  it('points startxref and every xref entry at the exact byte', () => {
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
    const table = /^xref\n0 (\d+)\n((?:.{19}\n)+)trailer/.exec(text.slice(startxref));
    expect(table).not.toBeNull();
    const entries = table![2]!.match(/.{19}\n/g)!;
    expect(entries).toHaveLength(Number(table![1]));
    // Each entry is 20 bytes; the separator is space + LF.
    expect(entries[0]).toBe('0000000000 65535 f \n');
    entries.slice(1).forEach((entry, i) => {
      expect(entry).toMatch(/^\d{10} 00000 n \n$/);
      const offset = Number(entry.slice(0, 10));
      expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(text).toContain(`/Size ${entries.length}`);
  });

  it('gives the content stream its exact /Length and escapes the text', () => {
    const m = /\/Length (\d+) >>\nstream\n([\s\S]*?)\nendstream/.exec(text);
    expect(Number(m?.[1])).toBe(Buffer.byteLength(m?.[2] ?? '', 'latin1'));
    expect(m?.[2]).toContain('(Hello \\(PDF\\) \\\\ world) Tj');
    expect(text).toContain('/BaseFont /Helvetica');
  });

  it('writes a heading and body lines below it', () => {
    const doc = samplePdf(['Handbook', 'Line one', 'Line two']).toString('latin1');
    expect(doc).toContain(
      '/F1 24 Tf\n72 720 Td\n(Handbook) Tj\n/F1 14 Tf\n0 -14 Td\n0 -22 Td\n(Line one) Tj',
    );
    expect(doc).toContain('0 -22 Td\n(Line two) Tj\nET');
  });

  it('takes printable ASCII only', () => {
    expect(() => samplePdf(['café'])).toThrow(RangeError);
  });
});
