// What the external-assets package (authoring-packages.ts) loads from another origin, as a CDN would serve
// it: a script, a stylesheet and a web font. The font is a real one of this machine, because Chromium only
// reports a font as loaded when it can decode it, and a binary font has no place in the repository.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A file the external-assets package loads from another origin: serve it at `path` on that origin. */
export interface ExternalAsset {
  /** URL path on the external origin, starting with `/`. */
  path: string;
  contentType: string;
  body: string | Buffer;
}

/** The font family the external stylesheet declares. */
export const EXTERNAL_FONT_FAMILY = 'ExternalTestFont';

const FONT_FORMATS: Record<string, { format: string; contentType: string }> = {
  '.ttf': { format: 'truetype', contentType: 'font/ttf' },
  '.otf': { format: 'opentype', contentType: 'font/otf' },
  '.woff': { format: 'woff', contentType: 'font/woff' },
  '.woff2': { format: 'woff2', contentType: 'font/woff2' },
};

/**
 * The files `externalAssetsPackage` loads from its external origin, the font read from `fontPath`.
 * Cross-origin fonts need CORS: serve them with `Access-Control-Allow-Origin: *`.
 */
export function externalAssetFiles(fontPath: string): ExternalAsset[] {
  const ext = path.extname(fontPath).toLowerCase();
  const font = FONT_FORMATS[ext];
  if (!font) throw new Error(`unsupported font file ${fontPath}: use .ttf, .otf, .woff or .woff2`);
  const fontName = `test${ext}`;
  return [
    {
      path: '/lib/jquery-like.js',
      contentType: 'text/javascript; charset=utf-8',
      body: 'window.$$external = true;\n',
    },
    {
      path: '/fonts/font.css',
      contentType: 'text/css; charset=utf-8',
      body: `@font-face {
  font-family: '${EXTERNAL_FONT_FAMILY}';
  src: url('${fontName}') format('${font.format}');
  font-display: block;
}
`,
    },
    { path: `/fonts/${fontName}`, contentType: font.contentType, body: readFileSync(fontPath) },
  ];
}

// Debian packages' font files, most likely first; fonts-dejavu-core comes with Chromium's dependencies.
const SYSTEM_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/freefont/FreeSans.ttf',
];

/** A font file of this machine for {@link externalAssetFiles}; throws naming the Debian package when none. */
export function findSystemFont(): string {
  const found = SYSTEM_FONTS.find((f) => existsSync(f));
  if (!found) {
    throw new Error(
      `no font file found for the external-assets test (looked for ${SYSTEM_FONTS.join(', ')}): ` +
        'install the Debian package fonts-dejavu-core (apt-get install fonts-dejavu-core)',
    );
  }
  return found;
}
