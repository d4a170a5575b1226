import { describe, expect, it } from 'vitest';
import { bestTrack, loadPreferences, rankByLanguage, savePreferences } from './track-preferences.js';

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    clear: () => data.clear(),
    key: () => null,
    get length() {
      return data.size;
    },
  };
}

const tracks = [
  { id: 'a', language: 'fr' },
  { id: 'b', language: 'en-US' },
  { id: 'c', language: 'de' },
  { id: 'd', language: 'en' },
];

describe('track preferences', () => {
  it('round-trips the choices and falls back to defaults for anything not ours', () => {
    const storage = memoryStorage();
    expect(loadPreferences(storage)).toEqual({
      captions: null,
      audio: null,
      size: 'medium',
      background: 'translucent',
    });
    savePreferences(storage, { captions: 'fr-CA', audio: 'en', size: 'large', background: 'opaque' });
    expect(loadPreferences(storage)).toEqual({
      captions: 'fr-CA',
      audio: 'en',
      size: 'large',
      background: 'opaque',
    });
    storage.setItem('coursecast.tracks', '{"captions":"<img>","size":"huge","background":1}');
    expect(loadPreferences(storage)).toEqual({
      captions: null,
      audio: null,
      size: 'medium',
      background: 'translucent',
    });
    storage.setItem('coursecast.tracks', 'not json');
    expect(loadPreferences(storage).size).toBe('medium');
    expect(loadPreferences(null).captions).toBeNull();
  });

  it("puts the browser's languages first and picks the best match for a remembered language", () => {
    expect(rankByLanguage(tracks, ['en-GB', 'de']).map((t) => t.id)).toEqual(['b', 'd', 'c', 'a']);
    expect(rankByLanguage(tracks, []).map((t) => t.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(bestTrack(tracks, 'en', ['fr'])?.id).toBe('d');
    expect(bestTrack(tracks, 'en-GB', ['fr'])?.id).toBe('b');
    expect(bestTrack(tracks, 'pt', ['de'])?.id).toBe('c');
    expect(bestTrack(tracks, null, ['ja'])).toBeNull();
  });
});
