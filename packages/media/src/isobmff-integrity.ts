import { open } from 'node:fs/promises';
import { isBoxType, parseBoxHeader } from './isobmff-boxes.js';

/**
 * Box types an ISO-BMFF file may start with. QuickTime files without `ftyp` start with `wide`,
 * `free` or `mdat`; anything else means "not ISO-BMFF", which is not ours to judge.
 */
const FIRST_BOX_TYPES = new Set(['ftyp', 'styp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pdin']);

/** A walk this long is no media file we know; let ffprobe judge it instead. */
const MAX_TOP_LEVEL_BOXES = 1_000_000;

/**
 * Detects a truncated ISO-BMFF (mp4/mov/m4a) file by walking top-level boxes: returns a message like
 * "truncated MP4: box 'mdat' declares 5242880 bytes but only 2097152 remain", or null when the file
 * is complete or not ISO-BMFF. Reads only box headers, never the whole file.
 */
export async function checkIsoBmffIntegrity(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const header = Buffer.alloc(16);
    let offset = 0;
    let sawMoov = false;
    for (let count = 0; offset + 8 <= fileSize; count++) {
      if (count >= MAX_TOP_LEVEL_BOXES) return null;
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      const box = parseBoxHeader(header, 0, bytesRead);
      if (!box) return `truncated MP4: the box header at offset ${offset} is cut off`;
      if (count === 0 && !FIRST_BOX_TYPES.has(box.type)) return null;
      if (!isBoxType(box.type)) return `corrupt MP4: unreadable box header at offset ${offset}`;
      const remaining = fileSize - offset;
      const size = box.size ?? remaining;
      if (size < box.headerSize) {
        return `corrupt MP4: box '${box.type}' at offset ${offset} declares an impossible size of ${size} bytes`;
      }
      if (size > remaining) {
        return `truncated MP4: box '${box.type}' declares ${size} bytes but only ${remaining} remain`;
      }
      if (box.type === 'moov') sawMoov = true;
      offset += size;
    }
    if (offset === 0) return null;
    // Fewer than 8 trailing bytes cannot be a box; some writers pad, so they are tolerated.
    if (!sawMoov) return "incomplete MP4: no 'moov' box (the recording was probably never finalized)";
    return null;
  } finally {
    await handle.close();
  }
}
