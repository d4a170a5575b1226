import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CaptionError,
  captionLanguage,
  extractCaptions,
  MediaError,
  normalizeCaptions,
  type CaptionKind,
  type SubtitleStreamInfo,
} from '@coursecast/media';
import { CAPTIONS_FILE_DIR } from '../catalog/caption-urls.js';
import type { MediaPaths } from '../catalog/media-paths.js';
import { AppError } from '../errors.js';
import { keepFile } from '../store/durable-files.js';
import {
  isStoreError,
  newId,
  type CaptionTrack,
  type CatalogStore,
  type Item,
  type NewCaptionTrack,
} from '../store/index.js';
import type { CaptionPublisher } from './caption-publish.js';

/** What a track is said to be; omitted fields keep the track's (replace) or take a default (create). */
export interface TrackInput {
  language?: string | undefined;
  kind?: CaptionKind | undefined;
  label?: string | undefined;
  forced?: boolean | undefined;
}

/** A track written, and what was converted or fixed on the way. */
export interface SavedTrack {
  track: CaptionTrack;
  warnings: string[];
}

/** What the caption service needs. */
export interface CaptionServiceDeps {
  store: CatalogStore;
  paths: MediaPaths;
  publisher: CaptionPublisher;
  ffmpegPath: string;
  maxBytes: number;
  /** Longest FFmpeg may take to read a subtitle stream out of a source. */
  extractTimeoutMs: number;
}

/** The caption tracks of lectures: upload, import from the source, change, remove; each change published. */
export interface CaptionService {
  list(itemId: string): Promise<{ item: Item & { kind: 'video' }; tracks: CaptionTrack[] }>;
  upload(itemId: string, bytes: Uint8Array, input: TrackInput): Promise<SavedTrack>;
  replace(itemId: string, trackId: string, bytes: Uint8Array | null, input: TrackInput): Promise<SavedTrack>;
  importEmbedded(itemId: string, streamIndex: number, input: TrackInput): Promise<SavedTrack>;
  remove(itemId: string, trackId: string): Promise<void>;
}

const MAX_LABEL = 80;
/**
 * Tracks a lecture may have: every just-in-time session cuts each one on its grid when it opens, so the count bounds
 * that work; no lecture needs more languages than this.
 */
export const MAX_TRACKS = 32;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const KIND_SUFFIX: Record<CaptionKind, string> = {
  subtitles: '',
  captions: ' (CC)',
  descriptions: ' (described)',
};

/** The canonical tag, or 400 invalid_language naming the problem. */
function languageOf(tag: string): { tag: string; name: string } {
  try {
    return captionLanguage(tag);
  } catch (err) {
    throw new AppError('invalid_language', err instanceof Error ? err.message : String(err), {
      language: tag.slice(0, 35),
    });
  }
}

function labelOf(label: string | undefined, languageName: string, kind: CaptionKind): string {
  const text = (label ?? `${languageName}${KIND_SUFFIX[kind]}`).normalize('NFC').trim();
  if (text === '' || text.length > MAX_LABEL || CONTROL.test(text)) {
    throw new AppError(
      'invalid_request',
      `label must be 1 to ${MAX_LABEL} characters without control characters`,
    );
  }
  return text;
}

/** The item's tracks once `next` is saved (added, or in its place); refuses a label taken and a track too many. */
function tracksAfter(tracks: readonly CaptionTrack[], next: NewCaptionTrack): CaptionTrack[] {
  const replacing = tracks.some((t) => t.id === next.id);
  if (!replacing && tracks.length >= MAX_TRACKS) {
    throw new AppError('conflict', `the lecture has ${tracks.length} caption tracks, the most it may have`, {
      limit: MAX_TRACKS,
    });
  }
  if (tracks.some((t) => t.label === next.label && t.id !== next.id)) {
    throw new AppError('conflict', `the lecture already has a track labelled "${next.label}"`, {
      label: next.label,
    });
  }
  const now = new Date().toISOString();
  const draft: CaptionTrack = {
    ...next,
    createdAt: tracks.find((t) => t.id === next.id)?.createdAt ?? now,
    updatedAt: now,
  };
  return replacing ? tracks.map((t) => (t.id === next.id ? draft : t)) : [...tracks, draft];
}

/** Builds the service. */
export function createCaptionService(deps: CaptionServiceDeps): CaptionService {
  const { store, paths, publisher } = deps;
  const { queue } = publisher;

  async function videoItem(itemId: string): Promise<Item & { kind: 'video' }> {
    const item = await store.getItem(itemId);
    if (!item) throw new AppError('item_not_found', `No item with id ${itemId}`);
    if (item.kind !== 'video')
      throw new AppError('conflict', `item ${itemId} is a ${item.kind}: captions belong to lectures`);
    return item;
  }

  function normalized(item: Item & { kind: 'video' }, bytes: Uint8Array) {
    if (bytes.length > deps.maxBytes) {
      throw new AppError(
        'file_too_large',
        `the caption file is ${bytes.length} bytes, over the ${deps.maxBytes}-byte limit`,
        {
          limitBytes: deps.maxBytes,
        },
      );
    }
    try {
      return normalizeCaptions(bytes, {
        durationSeconds: item.sourceInfo?.durationSeconds ?? item.durationSeconds,
        maxBytes: deps.maxBytes,
      });
    } catch (err) {
      if (err instanceof CaptionError)
        throw new AppError('invalid_captions', err.message, { line: err.line });
      throw err;
    }
  }

  /** Writes the normalized WebVTT durably under a new name beside the item's source. */
  async function keepVtt(itemId: string, trackId: string, vtt: string): Promise<string> {
    const dir = path.join(paths.uploadDir(itemId), CAPTIONS_FILE_DIR);
    await mkdir(dir, { recursive: true });
    const name = `${trackId}-${randomBytes(4).toString('hex')}.vtt`;
    const tmp = path.join(dir, `.${name}.tmp`);
    await writeFile(tmp, vtt);
    await keepFile(tmp, path.join(dir, name));
    return paths.relative(path.join(dir, name));
  }

  /** Saves `next` (new or replacing), republishing the ladder; the file it no longer uses goes after the commit. */
  async function save(
    next: NewCaptionTrack,
    previousFile: string | null,
    warnings: string[],
  ): Promise<SavedTrack> {
    try {
      const after = tracksAfter(await store.listCaptionTracks(next.itemId), next);
      const track = await publisher.republish(next.itemId, after, (p) => store.saveCaptionTrack(next, p));
      if (previousFile && previousFile !== next.file) await rm(paths.resolve(previousFile), { force: true });
      return { track, warnings };
    } catch (err) {
      if (next.file !== previousFile) await rm(paths.resolve(next.file), { force: true });
      if (isStoreError(err, 'conflict')) throw new AppError('conflict', err.message);
      throw err;
    }
  }

  /** Checks `bytes`, keeps them as track `id`'s WebVTT, then saves the track so described (replacing `previous`). */
  async function keepTrack(
    item: Item & { kind: 'video' },
    id: string,
    bytes: Uint8Array,
    described: Pick<NewCaptionTrack, 'language' | 'kind' | 'label' | 'forced' | 'origin' | 'streamIndex'>,
    previous: string | null,
  ): Promise<SavedTrack> {
    const n = normalized(item, bytes);
    const file = await keepVtt(item.id, id, n.vtt);
    const track: NewCaptionTrack = {
      id,
      itemId: item.id,
      ...described,
      file,
      cueCount: n.cueCount,
      bytes: Buffer.byteLength(n.vtt),
    };
    return save(track, previous, n.warnings);
  }

  async function existing(itemId: string, trackId: string): Promise<CaptionTrack> {
    const track = (await store.listCaptionTracks(itemId)).find((t) => t.id === trackId);
    if (!track)
      throw new AppError('caption_track_not_found', `item ${itemId} has no caption track ${trackId}`);
    return track;
  }

  function described(
    input: TrackInput,
    base: { language: string; kind: CaptionKind; label: string | null; forced: boolean },
  ) {
    const language = languageOf(input.language ?? base.language);
    const kind = input.kind ?? base.kind;
    const label = labelOf(input.label ?? base.label ?? undefined, language.name, kind);
    return {
      language: language.tag,
      kind,
      label,
      forced: kind === 'subtitles' && (input.forced ?? base.forced),
    };
  }

  return {
    async list(itemId) {
      const item = await videoItem(itemId);
      return { item, tracks: await store.listCaptionTracks(itemId) };
    },

    upload: (itemId, bytes, input) =>
      queue.run(itemId, async () => {
        const item = await videoItem(itemId);
        if (!input.language)
          throw new AppError('invalid_request', 'language is required (a BCP 47 tag: en, fr-CA...)');
        const meta = described(input, {
          language: input.language,
          kind: 'subtitles',
          label: null,
          forced: false,
        });
        return keepTrack(item, newId('cap'), bytes, { ...meta, origin: 'upload', streamIndex: null }, null);
      }),

    replace: (itemId, trackId, bytes, input) =>
      queue.run(itemId, async () => {
        const item = await videoItem(itemId);
        const old = await existing(itemId, trackId);
        const meta = described(input, { ...old, label: input.language || input.kind ? null : old.label });
        if (!bytes) return save({ ...old, ...meta }, old.file, []);
        return keepTrack(item, trackId, bytes, { ...meta, origin: 'upload', streamIndex: null }, old.file);
      }),

    importEmbedded: (itemId, streamIndex, input) =>
      queue.run(itemId, async () => {
        const item = await videoItem(itemId);
        const stream = item.sourceInfo?.subtitles.find((s) => s.index === streamIndex);
        if (!stream || !item.sourceFile) {
          throw new AppError('invalid_request', `the source has no subtitle stream ${streamIndex}`, {
            streamIndex,
          });
        }
        const bytes = await readStream(item.sourceFile, stream);
        const base = embeddedBase(stream, input);
        const meta = described(input, base);
        return keepTrack(item, newId('cap'), bytes, { ...meta, origin: 'embedded', streamIndex }, null);
      }),

    remove: (itemId, trackId) =>
      queue.run(itemId, async () => {
        await videoItem(itemId);
        const old = await existing(itemId, trackId);
        const rest = (await store.listCaptionTracks(itemId)).filter((t) => t.id !== trackId);
        try {
          await publisher.republish(itemId, rest, (p) => store.deleteCaptionTrack(itemId, trackId, p));
        } catch (err) {
          if (isStoreError(err, 'conflict')) throw new AppError('conflict', err.message);
          throw err;
        }
        await rm(paths.resolve(old.file), { force: true });
      }),
  };

  async function readStream(sourceFile: string, stream: SubtitleStreamInfo): Promise<Uint8Array> {
    if (!stream.text) {
      throw new AppError(
        'invalid_captions',
        `stream ${stream.index} is ${stream.codec}, pictures of text: it cannot become WebVTT without OCR`,
        {
          streamIndex: stream.index,
        },
      );
    }
    try {
      return await extractCaptions({
        ffmpegPath: deps.ffmpegPath,
        file: paths.resolve(sourceFile),
        streamIndex: stream.index,
        timeoutMs: deps.extractTimeoutMs,
        maxChars: deps.maxBytes,
      });
    } catch (err) {
      if (err instanceof MediaError)
        throw new AppError(
          'invalid_captions',
          `FFmpeg could not read stream ${stream.index}: ${err.message}`,
        );
      throw err;
    }
  }
}

/** What an embedded stream says of itself, where the instructor said nothing. */
function embeddedBase(stream: SubtitleStreamInfo, input: TrackInput) {
  const language = input.language ?? stream.language;
  if (!language) {
    throw new AppError(
      'invalid_request',
      `stream ${stream.index} has no language tag: say which (a BCP 47 tag: en, fr-CA...)`,
      {
        streamIndex: stream.index,
      },
    );
  }
  const kind: CaptionKind = stream.hearingImpaired ? 'captions' : 'subtitles';
  return { language, kind, label: stream.title, forced: stream.forced };
}
