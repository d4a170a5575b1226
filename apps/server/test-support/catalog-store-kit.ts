import { afterEach, beforeEach } from 'vitest';
import type { CatalogStore, NewItem, Rendition } from '../src/store/catalog-store.js';
import { openDuckDbCatalogStore } from '../src/store/duckdb-catalog-store.js';
import { probedSource } from './probed-source.js';

/** The pinned clock's origin; tests advance `ctx.clock` from here. */
export const T0 = Date.parse('2030-01-01T00:00:00.000Z');

/** A fresh in-memory store per test, with a clock the test controls. */
export interface StoreTestContext {
  store: CatalogStore;
  clock: number;
}

/** Registers beforeEach/afterEach that open a store (with course `crs_a`) and close it. */
export function useCatalogStore(): StoreTestContext {
  const ctx = { store: undefined as unknown as CatalogStore, clock: T0 };
  beforeEach(async () => {
    ctx.clock = T0;
    ctx.store = await openDuckDbCatalogStore({ path: ':memory:', now: () => new Date(ctx.clock) });
    await ctx.store.createCourse({ id: 'crs_a', title: 'Course A', description: 'First' });
  });
  afterEach(async () => {
    await ctx.store.close();
  });
  return ctx;
}

/** ISO time `msAfterT0` after T0. */
export function at(msAfterT0: number): string {
  return new Date(T0 + msAfterT0).toISOString();
}

/** A video item with values that exercise the boundaries (64-bit sizes, nested JSON). */
export function newItem(id: string, courseId = 'crs_a'): NewItem {
  return {
    id,
    courseId,
    kind: 'video',
    title: `Lecture ${id}`,
    sourceFile: `uploads/${id}.mp4`,
    sourceBytes: 5_000_000_000, // beyond 32 bits
    sourceInfo: probedSource({ container: 'mov', codec: 'h264' }),
    durationSeconds: 612.5,
  };
}

/** A rendition of `itemId`. */
export function rendition(itemId: string, name: string, height: number, bitrate = height * 1000): Rendition {
  return {
    itemId,
    name,
    width: Math.round((height * 16) / 9),
    height,
    averageBitrate: bitrate,
    peakBitrate: bitrate * 1.5,
    codecs: 'avc1.64001f,mp4a.40.2',
    mode: 'encode',
    playlist: `${name}/index.m3u8`,
    segmentCount: 12,
    bytes: 3_000_000_000,
  };
}

/** Creates an item and its queued job. */
export function addItemWithJob(store: CatalogStore, itemId: string, jobId: string, courseId = 'crs_a') {
  return store.createItemWithJob(newItem(itemId, courseId), { id: jobId, itemId, maxAttempts: 3 });
}
