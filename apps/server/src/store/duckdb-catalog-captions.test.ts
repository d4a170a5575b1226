import { describe, expect, it } from 'vitest';
import { at, newItem, useCatalogStore } from '../../test-support/catalog-store-kit.js';
import type { NewCaptionTrack } from './caption-store.js';
import { isStoreError } from './catalog-store.js';

const ctx = useCatalogStore();

const track = (id: string, label: string, over: Partial<NewCaptionTrack> = {}): NewCaptionTrack => ({
  id,
  itemId: 'itm_1',
  language: 'en',
  kind: 'captions',
  label,
  forced: false,
  origin: 'upload',
  streamIndex: null,
  file: `uploads/itm_1/captions/${id}.r1.vtt`,
  cueCount: 12,
  bytes: 3_400,
  ...over,
});

async function readyItem(version: string | null): Promise<void> {
  await ctx.store.createItemWithJob(newItem('itm_1'), { id: 'job_1', itemId: 'itm_1', maxAttempts: 3 });
  if (version) await ctx.store.updateItem('itm_1', { status: 'ready', mediaVersion: version });
}

describe('caption tracks', () => {
  it('creates, lists oldest first, replaces in place, and deletes', async () => {
    await readyItem(null);
    const en = await ctx.store.saveCaptionTrack(track('cap_en', 'English (CC)'), null);
    expect(en).toEqual({ ...track('cap_en', 'English (CC)'), createdAt: at(0), updatedAt: at(0) });
    ctx.clock += 1000;
    await ctx.store.saveCaptionTrack(
      track('cap_fr', 'Français', { language: 'fr', kind: 'subtitles', origin: 'embedded', streamIndex: 2 }),
      null,
    );
    ctx.clock += 1000;
    const replaced = await ctx.store.saveCaptionTrack(
      track('cap_en', 'English', { file: 'uploads/itm_1/captions/cap_en.r2.vtt', cueCount: 14 }),
      null,
    );
    expect(replaced).toMatchObject({ label: 'English', cueCount: 14, createdAt: at(0), updatedAt: at(2000) });
    const list = await ctx.store.listCaptionTracks('itm_1');
    expect(list.map((t) => [t.id, t.label, t.streamIndex])).toEqual([
      ['cap_en', 'English', null],
      ['cap_fr', 'Français', 2],
    ]);
    expect(await ctx.store.deleteCaptionTrack('itm_1', 'cap_fr', null)).toBe(true);
    expect(await ctx.store.deleteCaptionTrack('itm_1', 'cap_fr', null)).toBe(false);
    expect((await ctx.store.listCaptionTracks('itm_1')).map((t) => t.id)).toEqual(['cap_en']);
  });

  it('refuses a label another track of the item has, and a missing item, writing nothing', async () => {
    await readyItem(null);
    await ctx.store.saveCaptionTrack(track('cap_en', 'English'), null);
    const clash = await ctx.store.saveCaptionTrack(track('cap_2', 'English'), null).catch((e: unknown) => e);
    expect(isStoreError(clash, 'conflict')).toBe(true);
    const missing = await ctx.store
      .saveCaptionTrack(track('cap_3', 'Other', { itemId: 'itm_none' }), null)
      .catch((e: unknown) => e);
    expect(isStoreError(missing, 'not_found')).toBe(true);
    expect((await ctx.store.listCaptionTracks('itm_1')).map((t) => t.id)).toEqual(['cap_en']);
  });

  it('moves the item to the new version with the track, and refuses when it was republished meanwhile', async () => {
    await readyItem('job_1');
    const publish = { from: 'job_1', to: 'ver_2', posterFile: 'media/itm_1/ver_2/poster.jpg' };
    await ctx.store.saveCaptionTrack(track('cap_en', 'English'), publish);
    expect(await ctx.store.getItem('itm_1')).toMatchObject({
      mediaVersion: 'ver_2',
      posterFile: 'media/itm_1/ver_2/poster.jpg',
    });
    const stale = await ctx.store
      .saveCaptionTrack(track('cap_fr', 'French', { language: 'fr' }), { ...publish, to: 'ver_3' })
      .catch((e: unknown) => e);
    expect(isStoreError(stale, 'conflict')).toBe(true);
    expect((await ctx.store.listCaptionTracks('itm_1')).map((t) => t.id)).toEqual(['cap_en']);
    const staleDelete = await ctx.store
      .deleteCaptionTrack('itm_1', 'cap_en', { from: 'job_1', to: 'ver_4', posterFile: null })
      .catch((e: unknown) => e);
    expect(isStoreError(staleDelete, 'conflict')).toBe(true);
    expect(
      await ctx.store.deleteCaptionTrack('itm_1', 'cap_en', { from: 'ver_2', to: 'ver_5', posterFile: null }),
    ).toBe(true);
    expect((await ctx.store.getItem('itm_1'))?.mediaVersion).toBe('ver_5');
    await ctx.store.publishCaptions('itm_1', { from: 'ver_5', to: 'ver_6', posterFile: null });
    expect((await ctx.store.getItem('itm_1'))?.mediaVersion).toBe('ver_6');
    const stalePublish = await ctx.store
      .publishCaptions('itm_1', { from: 'ver_5', to: 'ver_7', posterFile: null })
      .catch((e: unknown) => e);
    expect(isStoreError(stalePublish, 'conflict')).toBe(true);
  });

  it('counts the ready lectures with and without captions, and deleting an item takes its tracks', async () => {
    await readyItem('job_1');
    await ctx.store.createItemWithJob(newItem('itm_2'), { id: 'job_2', itemId: 'itm_2', maxAttempts: 3 });
    await ctx.store.updateItem('itm_2', { status: 'ready', mediaVersion: 'job_2' });
    await ctx.store.createItemWithJob(newItem('itm_3'), { id: 'job_3', itemId: 'itm_3', maxAttempts: 3 });
    expect(await ctx.store.captionCoverage(10)).toEqual({
      captioned: 0,
      uncaptioned: 2,
      missing: [
        { itemId: 'itm_1', courseId: 'crs_a', title: 'Lecture itm_1' },
        { itemId: 'itm_2', courseId: 'crs_a', title: 'Lecture itm_2' },
      ],
    });
    expect((await ctx.store.captionCoverage(1)).missing.map((m) => m.itemId)).toEqual(['itm_1']);
    await ctx.store.saveCaptionTrack(track('cap_en', 'English'), null);
    expect(await ctx.store.captionCoverage(10)).toMatchObject({ captioned: 1, uncaptioned: 1 });
    await ctx.store.deleteItem('itm_1');
    expect(await ctx.store.listCaptionTracks('itm_1')).toEqual([]);
    expect(await ctx.store.captionCoverage(10)).toMatchObject({ captioned: 0, uncaptioned: 1 });
  });
});
