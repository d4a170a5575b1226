/**
 * A small but fully correct PDF, built byte by byte: the demo's sample handout, and the tests' documents (no
 * binary fixtures). The xref table's offsets are exact (no reader has to repair it): Chromium's PDF viewer
 * opens it as is.
 */

/**
 * A one-page US Letter PDF: the first line as a 24 pt Helvetica heading, the others in 14 pt below it
 * (printable ASCII only), with an exact xref table.
 */
export function samplePdf(lines: readonly string[]): Buffer {
  if (!lines.every((l) => /^[\x20-\x7e]*$/.test(l))) {
    throw new RangeError('samplePdf: lines must be printable ASCII');
  }
  // In a PDF literal string, backslash and parentheses are the only characters that need escaping.
  const escape = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const [heading = '', ...rest] = lines;
  const body14 = rest.map((l) => `0 -22 Td\n(${escape(l)}) Tj`).join('\n');
  const content =
    `BT\n/F1 24 Tf\n72 720 Td\n(${escape(heading)}) Tj\n` +
    (rest.length > 0 ? `/F1 14 Tf\n0 -14 Td\n${body14}\n` : '') +
    'ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    // /Length counts the bytes between `stream\n` and the EOL before `endstream`.
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  // The second line's high bytes tell transfer tools the file is binary, as the spec recommends.
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    // latin1 throughout: one character is one byte, so string lengths are byte offsets.
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefOffset = body.length;
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, two-byte EOL.
  const entries = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}`;
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(body + xref + trailer, 'latin1');
}
