// The W3C's WebVTT parser and validator (npm `webvtt-parser`): CommonJS and untyped, its exports set in a way
// Node's ESM named imports cannot see, so it is loaded with require and typed here, as far as coursecast uses it.
import { createRequire } from 'node:module';

/** A parse error: its message, 1-based line and column. */
export interface WebVttParseError {
  message: string;
  line: number;
  col?: number;
}

/** A parsed cue (times in seconds); the serializer also reads its settings and its text's tree. */
export interface WebVttCue {
  /** Empty (or absent) when the cue has none. */
  id: string | undefined;
  startTime: number;
  endTime: number;
  text: string;
}

/** What a parse gives. */
export interface WebVttTree {
  cues: WebVttCue[];
  errors: WebVttParseError[];
}

/** The module's classes. */
export interface WebVttModule {
  WebVTTParser: new (entities?: Record<string, string>) => {
    parse(input: string, mode: 'metadata' | 'chapters'): WebVttTree;
  };
  WebVTTSerializer: new () => { serialize(cues: WebVttCue[]): string };
}

const load: (id: string) => unknown = createRequire(import.meta.url);

/** The parser module. */
export const webvtt = load('webvtt-parser') as WebVttModule;

/** HTML's named character references: the parser's own small default set mangles `&amp;` (to `&;`). */
export const HTML_ENTITIES = load('webvtt-parser/html-entities.json') as Record<string, string>;
