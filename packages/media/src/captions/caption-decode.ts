import { CaptionError } from './caption-error.js';

// Caption files arrive in whatever their tool wrote: UTF-8 with or without a BOM, UTF-16 from Windows tools (with
// a BOM, sometimes without), or a legacy 8-bit code page. They are read as text here, once, so a parser never sees
// bytes; anything else than UTF-8 is converted and said so.

/** The text of a caption file, and the encoding it was read in. */
export interface DecodedCaptions {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

const decode = (encoding: DecodedCaptions['encoding'], bytes: Uint8Array, fatal = false): string =>
  new TextDecoder(encoding, { fatal, ignoreBOM: false }).decode(bytes);

/** UTF-16 without a BOM: most of one byte lane is zero (captions are mostly Latin text). */
function utf16Lane(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 8) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Reads a caption file's bytes as text; refuses what is no text at all (NUL bytes left after decoding). */
export function decodeCaptions(bytes: Uint8Array): DecodedCaptions {
  let decoded: DecodedCaptions;
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    decoded = { text: decode('utf-16le', bytes), encoding: 'utf-16le' };
  else if (bytes[0] === 0xfe && bytes[1] === 0xff)
    decoded = { text: decode('utf-16be', bytes), encoding: 'utf-16be' };
  else {
    const lane = utf16Lane(bytes);
    if (lane) decoded = { text: decode(lane, bytes), encoding: lane };
    else {
      try {
        decoded = { text: decode('utf-8', bytes, true), encoding: 'utf-8' };
      } catch {
        // Not UTF-8: a legacy code page. Windows-1252 is what the web reads Latin-1 as.
        decoded = { text: decode('windows-1252', bytes), encoding: 'windows-1252' };
      }
    }
  }
  const text = decoded.text.replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) throw new CaptionError('the file is not text (it holds NUL bytes)');
  return { ...decoded, text };
}
