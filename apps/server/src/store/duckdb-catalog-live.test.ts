import { describe, expect, it } from 'vitest';
import { at, newItem, rendition, useCatalogStore } from '../../test-support/catalog-store-kit.js';
import { isStoreError } from './catalog-store.js';

const ctx = useCatalogStore();

const liveItem = (id = 'itm_live') => ({
  ...newItem(id),
  sourceFile: null,
  sourceBytes: null,
  sourceInfo: null,
  mediaVersion: 'live_1',
});
const secrets = {
  streamKey: 'itm_live.k3y',
  srtPassphrase: 'a-passphrase-of-32-characters-xx',
  scheduledAt: at(3_600_000),
};

describe('live lectures', () => {
  it('creates the item and its lecture in one transaction: processing, its version set from the start', async () => {
    const { item, live } = await ctx.store.createLiveItem(liveItem(), { itemId: 'itm_live', ...secrets });
    expect(item).toMatchObject({
      id: 'itm_live',
      kind: 'video',
      status: 'processing',
      mediaVersion: 'live_1',
    });
    expect(live).toEqual({
      itemId: 'itm_live',
      ...secrets,
      state: 'scheduled',
      startedAt: null,
      endedAt: null,
      endReason: null,
      error: null,
      plan: null,
      runs: [],
      createdAt: at(0),
      updatedAt: at(0),
    });
    expect(await ctx.store.getLiveLecture('itm_live')).toEqual(live);
  });

  it('refuses a lecture in a missing course, and leaves no item behind', async () => {
    const err = await ctx.store
      .createLiveItem({ ...liveItem(), courseId: 'crs_missing' }, { itemId: 'itm_live', ...secrets })
      .catch((e: unknown) => e);
    expect(isStoreError(err) && err.code).toBe('not_found');
    expect(await ctx.store.getItem('itm_live')).toBeNull();
    expect(await ctx.store.getLiveLecture('itm_live')).toBeNull();
  });

  it('keeps its runs and plan, lists by state, and finishes with the recording in one transaction', async () => {
    await ctx.store.createLiveItem(liveItem(), { itemId: 'itm_live', ...secrets });
    ctx.clock += 1000;
    const runs = [
      {
        run: 1,
        protocol: 'rtmp' as const,
        startMs: 1_700_000_000_000,
        connectedAt: at(1000),
        endedAt: null,
        reason: null,
      },
    ];
    const plan = {
      rungs: [],
      audio: { name: 'audio', bitrate: 128_000 },
      segmentSeconds: 2,
      frameRate: null,
      copyReasons: ['audio-only input'],
      preset: 'veryfast',
    };
    const live = await ctx.store.updateLiveLecture('itm_live', {
      state: 'live',
      startedAt: at(1000),
      runs,
      plan,
    });
    expect(live).toMatchObject({ state: 'live', startedAt: at(1000), runs, plan, updatedAt: at(1000) });
    expect((await ctx.store.listLiveLectures(['live', 'reconnecting'])).map((l) => l.itemId)).toEqual([
      'itm_live',
    ]);
    expect(await ctx.store.listLiveLectures(['ended'])).toEqual([]);
    ctx.clock += 1000;
    const ended = await ctx.store.finishLiveLecture(
      'itm_live',
      { state: 'ended', endedAt: at(2000), endReason: 'ended_by_instructor' },
      [rendition('itm_live', 'audio', 0, 128_000)],
      { status: 'ready', durationSeconds: 61.5 },
    );
    expect(ended).toMatchObject({ state: 'ended', endReason: 'ended_by_instructor' });
    expect(await ctx.store.getItem('itm_live')).toMatchObject({
      status: 'ready',
      mediaVersion: 'live_1',
      durationSeconds: 61.5,
    });
    expect((await ctx.store.listRenditions('itm_live')).map((r) => r.name)).toEqual(['audio']);
    expect(await ctx.store.updateLiveLecture('itm_missing', { state: 'ended' })).toBeNull();
  });

  it('goes with its item', async () => {
    await ctx.store.createLiveItem(liveItem(), { itemId: 'itm_live', ...secrets });
    expect(await ctx.store.deleteItem('itm_live')).toBe(true);
    expect(await ctx.store.getLiveLecture('itm_live')).toBeNull();
  });
});
