// Titles as people see them in pages, the studio and the LMS: one line of text, never a control character.
// A title typed into the API that carries one (a NUL, an escape) is refused with the reason; a title taken
// from a file (its name, a manifest, an HTML <title>) is cleaned, since nobody chose those bytes as a title.
import { z } from 'zod';

/** The longest title kept. */
export const MAX_TITLE_LENGTH = 200;

// C0, DEL and C1 controls (Unicode's Cc) other than the whitespace ones (tab, line feed, carriage return).
const HARD_CONTROL = /(?![\t\n\r])\p{Cc}/u;
const SPACES = /[\s\p{Cc}]+/gu;

/** One line: every run of whitespace or control characters becomes a space, trimmed and cut to `max`. */
export function cleanTitle(raw: string, max = MAX_TITLE_LENGTH): string {
  return raw.replace(SPACES, ' ').trim().slice(0, max).trim();
}

/** A title from a client: refused when it holds a control character, else made one line (1-200 characters). */
export const TitleInput = z
  .string()
  .refine((t) => !HARD_CONTROL.test(t), {
    message: 'must not contain control characters (such as U+0000)',
  })
  .transform((t) => t.replace(SPACES, ' ').trim())
  .pipe(z.string().min(1, 'title is required').max(MAX_TITLE_LENGTH));
