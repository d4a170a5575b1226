import { randomBytes } from 'node:crypto';

/**
 * The kinds of id the catalog hands out; the prefix makes a stray id self-describing in logs and URLs. `ver`: a
 * published version of a document or package (a transcode's version is its job id); `plt`: an LTI platform; `lrn`:
 * a learner; `sco`: a score in the outbox; `cap`: a caption track.
 */
export type IdPrefix = 'crs' | 'itm' | 'job' | 'ses' | 'ver' | 'plt' | 'lrn' | 'sco' | 'cap';

// RFC 4648 base32, lower-cased: URL-safe, case-insensitive file systems can't collide two ids.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const RANDOM_BYTES = 10; // 80 bits = exactly 16 base32 characters, so no padding and no modulo bias

/** A new random id such as `itm_k3v9q2m7x4c8b6nd` (prefix, underscore, 16 base32 characters). */
export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(RANDOM_BYTES);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return `${prefix}_${out}`;
}
