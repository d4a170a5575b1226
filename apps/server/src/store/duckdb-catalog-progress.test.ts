import { describe, expect, it } from 'vitest';
import { at, useCatalogStore } from '../../test-support/catalog-store-kit.js';
import type { ScoreTarget } from './progress-store.js';

const ctx = useCatalogStore();

const target: ScoreTarget = {
  platformId: 'plt_1',
  learnerId: 'lrn_1',
  itemId: 'itm_1',
  lineitemUrl: 'https://lms.example/lineitems/1/lineitem',
  lineitemsUrl: null,
  resourceLinkId: 'rl-1',
  label: 'Lecture 1',
  userId: 'sub-1',
};
const body = (given: number) => ({
  scoreGiven: given,
  scoreMaximum: 100,
  activityProgress: 'Completed' as const,
  gradingProgress: 'FullyGraded' as const,
  timestamp: at(0),
});
const progress = (watchedSeconds: number, completedAt: string | null = null) => ({
  learnerId: 'lrn_1',
  itemId: 'itm_1',
  positionSeconds: 12.5,
  watched: [[0, watchedSeconds]] as [number, number][],
  watchedSeconds,
  durationSeconds: 100,
  completedAt,
});

describe('learner progress and the score outbox', () => {
  it('keeps one progress per learner and lecture, replaced by each save', async () => {
    expect(await ctx.store.getLectureProgress('lrn_1', 'itm_1')).toBeNull();
    await ctx.store.saveLectureProgress(progress(10));
    ctx.clock += 1000;
    const saved = await ctx.store.saveLectureProgress(progress(40));
    expect(saved).toEqual({ ...progress(40), updatedAt: at(1000) });
    expect(await ctx.store.getLectureProgress('lrn_1', 'itm_1')).toEqual(saved);
    expect(await ctx.store.listItemProgress('itm_1')).toEqual([saved]);
  });

  it('queues a score with its progress; a newer one replaces one still pending; settles and retries', async () => {
    await ctx.store.saveLectureProgress(progress(91, at(0)), { id: 'sco_1', target, body: body(91) });
    await ctx.store.saveLectureProgress(progress(95, at(0)), { id: 'sco_2', target, body: body(95) });
    const due = await ctx.store.dueScores(at(0), 10);
    expect(due.map((s) => [s.id, s.score.scoreGiven, s.state, s.attempts])).toEqual([
      ['sco_2', 95, 'pending', 0],
    ]);
    expect(due[0]).toMatchObject(target);

    await ctx.store.settleScore('sco_2', {
      state: 'pending',
      nextAttemptAt: at(5000),
      error: 'LMS answered 500',
    });
    expect(await ctx.store.dueScores(at(1000), 10)).toEqual([]);
    const [retry] = await ctx.store.dueScores(at(5000), 10);
    expect(retry).toMatchObject({ attempts: 1, lastError: 'LMS answered 500' });
    await ctx.store.settleScore('sco_2', { state: 'sent' });
    expect(await ctx.store.dueScores(at(99_000), 10)).toEqual([]);
    const [sent] = await ctx.store.listScores(10, 'sent');
    expect(sent).toMatchObject({ id: 'sco_2', attempts: 2, lastError: null, sentAt: at(0) });

    // A sent score is never replaced by a later one: both stay, the later one pending.
    await ctx.store.saveLectureProgress(progress(100, at(0)), { id: 'sco_3', target, body: body(100) });
    expect((await ctx.store.listScores(10)).map((s) => [s.id, s.state])).toEqual(
      expect.arrayContaining([
        ['sco_2', 'sent'],
        ['sco_3', 'pending'],
      ]),
    );
    await ctx.store.settleScore('sco_3', { state: 'failed', error: 'gave up' });
    expect((await ctx.store.listScores(10, 'failed')).map((s) => s.id)).toEqual(['sco_3']);
    expect([await ctx.store.countScores('sent'), await ctx.store.countScores('pending')]).toEqual([1, 0]);
  });
});
