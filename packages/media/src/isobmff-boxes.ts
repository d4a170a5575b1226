/** A box header as ISO/IEC 14496-12 §4.2 lays it out. */
interface BoxHeader {
  type: string;
  /** Declared size including the header; null for size 0 ("extends to the end of the file"). */
  size: number | null;
  /** 8, or 16 with a 64-bit largesize. */
  headerSize: number;
}

/** A box located inside a buffer. */
export interface Box {
  type: string;
  /** Offset of the box's first byte. */
  start: number;
  /** Offset of the payload (after the header). */
  payload: number;
  /** Offset just past the box. */
  end: number;
}

/** True for a four-character code made of printable ASCII, as every real box type is. */
export function isBoxType(type: string): boolean {
  return /^[\x20-\x7e]{4}$/.test(type);
}

/**
 * Parses the header at `at` from `bytes`, which must hold at least 8 bytes there (16 when the
 * size field is 1). Returns null when too few bytes are available for the header.
 */
export function parseBoxHeader(bytes: Buffer, at: number, available: number): BoxHeader | null {
  if (available < 8) return null;
  const size32 = bytes.readUInt32BE(at);
  const type = bytes.toString('latin1', at + 4, at + 8);
  if (size32 === 0) return { type, size: null, headerSize: 8 };
  if (size32 !== 1) return { type, size: size32, headerSize: 8 };
  if (available < 16) return null;
  const large = bytes.readBigUInt64BE(at + 8);
  // Beyond 2^53 no real file exists; report it as such a size so the caller flags it as truncated.
  const size = large > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(large);
  return { type, size, headerSize: 16 };
}

/** The well-formed boxes directly inside `[start, end)` of a buffer; stops at the first malformed one. */
export function* childBoxes(buf: Buffer, start: number, end: number): Generator<Box> {
  let at = start;
  while (at + 8 <= end) {
    const header = parseBoxHeader(buf, at, end - at);
    if (!header) return;
    const size = header.size ?? end - at;
    if (size < header.headerSize || at + size > end) return;
    yield { type: header.type, start: at, payload: at + header.headerSize, end: at + size };
    at += size;
  }
}

/** Follows a path of box types from `[start, end)`, taking the first match at each level. */
export function findBoxPath(buf: Buffer, start: number, end: number, types: readonly string[]): Box | null {
  let found: Box | null = null;
  let from = start;
  let to = end;
  for (const type of types) {
    found = null;
    for (const box of childBoxes(buf, from, to)) {
      if (box.type === type) {
        found = box;
        break;
      }
    }
    if (!found) return null;
    from = found.payload;
    to = found.end;
  }
  return found;
}
