import type { CatalogStore, LiveLecture } from '../store/index.js';
import { syncTree } from '../store/durable-files.js';
import type { LiveEndReason } from './live-lecture.js';
import {
  measureRecording,
  renditionNames,
  runsFromDisk,
  targetDurationOf,
  writeMaster,
  writeRungPlaylist,
} from './live-recording.js';

/** What finishing a lecture needs. */
export interface FinishInput {
  store: CatalogStore;
  live: LiveLecture;
  dir: string;
  reason: LiveEndReason | 'server_restart';
  error: string | null;
  windowSeconds: number;
  segmentSeconds: number;
}

const FAILURES = new Set<string>(['encoder_failed', 'ingest_failed']);

/**
 * Turns what a live lecture wrote into its recording: every rung's playlist becomes the whole lecture as VOD (its
 * runs joined by discontinuities, `EXT-X-ENDLIST`), the files are on the disk, then one transaction records the end,
 * the renditions and the item ready at the same version (so its URLs never change). A lecture that never got a
 * publisher leaves a failed item saying so. Reads only the disk and the row: also how a lecture cut short by a
 * crash of the server is finished at the next start.
 */
export async function finishLecture(input: FinishInput): Promise<LiveLecture> {
  const { store, live, dir } = input;
  const endedAt = new Date().toISOString();
  const failed = FAILURES.has(input.reason);
  const ended = {
    state: failed ? ('failed' as const) : ('ended' as const),
    endedAt,
    endReason: input.reason,
    error: input.error,
    // The last run's end (its reason) is known in memory before it is saved.
    runs: live.runs.map((r) => (r.endedAt ? r : { ...r, endedAt })),
  };
  const plan = live.plan;
  if (!plan) {
    return store.finishLiveLecture(live.itemId, ended, [], {
      status: 'failed',
      error: 'the live lecture ended before any publisher sent media: there is no recording',
    });
  }
  for (const name of renditionNames(plan)) {
    const runs = await runsFromDisk(dir, name, live.runs);
    await writeRungPlaylist(dir, name, runs, {
      targetDuration: targetDurationOf(runs, input.segmentSeconds),
      windowSeconds: input.windowSeconds,
      ended: true,
    });
  }
  // The master is written at the first segments; a lecture cut short before them gets it now, if it can.
  for (const r of live.runs) if (await writeMaster(dir, plan, r.run, null).catch(() => false)) break;
  const { renditions, durationSeconds } = await measureRecording(live.itemId, dir, plan, live.runs);
  await syncTree(dir);
  return store.finishLiveLecture(live.itemId, ended, renditions, {
    status: renditions.length > 0 ? 'ready' : 'failed',
    durationSeconds,
    error:
      renditions.length > 0 ? null : 'the live lecture ended before its first segment: there is no recording',
  });
}
