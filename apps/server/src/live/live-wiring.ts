import type { Meter, Tracer } from '@opentelemetry/api';
import type { MediaPaths } from '../catalog/media-paths.js';
import type { Config } from '../config.js';
import type { CatalogStore } from '../store/index.js';
import { createLiveInstruments } from './live-instruments.js';
import { LiveService } from './live-service.js';

/** What the composition root hands the live stage. */
export interface LiveWiring {
  store: CatalogStore;
  paths: MediaPaths;
  config: Config;
  tracer: Tracer;
  meter: Meter;
  publicHost: () => string;
  log: (message: string) => void;
  /** An ended lecture's item changed (its playlists became the recording): the edges drop what they hold. */
  onEnded: (itemId: string) => void;
}

/** Builds the live service with its hooks. */
export function createLiveService(w: LiveWiring): LiveService {
  const slot: { service: LiveService | null } = { service: null };
  const telemetry = createLiveInstruments(w.tracer, w.meter, w.config.live.segmentSeconds, () =>
    slot.service ? slot.service.publishingCount() : 0,
  );
  slot.service = new LiveService({
    store: w.store,
    paths: w.paths,
    config: w.config.live,
    ffmpegPath: w.config.ffmpegPath,
    publicHost: w.publicHost,
    log: w.log,
    hooks: { ...telemetry, onEnded: (itemId) => w.onEnded(itemId) },
  });
  return slot.service;
}
