import { CaptionError } from './caption-error.js';

// A track's language as BCP 47 says it (`en`, `pt-BR`, `zh-Hant`), checked with the platform's own ICU data:
// the tag must be well-formed, and its language one ICU knows (so `xx` or a typo like `eng-US` is refused).

const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** The canonical form of a BCP 47 language tag and its English name; throws CaptionError naming the problem. */
export function captionLanguage(tag: string): { tag: string; name: string } {
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(tag.trim());
  } catch {
    throw new CaptionError(`"${tag.slice(0, 35)}" is not a BCP 47 language tag (e.g. en, fr-CA, zh-Hant)`);
  }
  const language = canonical.split('-')[0] ?? '';
  const name = language === 'und' ? undefined : names.of(language);
  if (!canonical || name === undefined) {
    throw new CaptionError(`"${tag.slice(0, 35)}" names no known language (e.g. en, fr-CA, zh-Hant)`);
  }
  return { tag: canonical, name: names.of(canonical) ?? name };
}
