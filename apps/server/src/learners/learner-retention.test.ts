import { describe, expect, it } from 'vitest';
import { at, useCatalogStore } from '../../test-support/catalog-store-kit.js';
import { startLearnerRetention } from './learner-retention.js';

const ctx = useCatalogStore();

describe('learner data retention', () => {
  it('removes progress, attempts, settled scores and learners past the retention, and keeps the rest', async () => {
    const learner = (id: string, subject: string) =>
      ctx.store.upsertLearner({
        id,
        issuer: 'https://lms.example',
        deploymentId: '1',
        subject,
        name: null,
        email: null,
      });
    await learner('lrn_old', 'old');
    await ctx.store.saveLectureProgress({
      learnerId: 'lrn_old',
      itemId: 'itm_1',
      positionSeconds: 1,
      watched: [[0, 1]],
      watchedSeconds: 1,
      durationSeconds: 10,
      completedAt: null,
    });
    ctx.clock += 400 * 86_400_000;
    await learner('lrn_new', 'new');
    await ctx.store.saveLectureProgress({
      learnerId: 'lrn_new',
      itemId: 'itm_1',
      positionSeconds: 2,
      watched: [[0, 2]],
      watchedSeconds: 2,
      durationSeconds: 10,
      completedAt: null,
    });
    const logs: string[] = [];
    const retention = startLearnerRetention({
      store: ctx.store,
      days: 365,
      log: (m) => logs.push(m),
      now: () => ctx.clock,
    });
    expect(await retention.sweep()).toEqual({ progress: 1, attempts: 0, scores: 0, learners: 1 });
    retention.stop();
    expect(await ctx.store.getLearner('lrn_old')).toBeNull();
    expect(await ctx.store.getLectureProgress('lrn_old', 'itm_1')).toBeNull();
    expect(await ctx.store.getLearner('lrn_new')).toMatchObject({ createdAt: at(400 * 86_400_000) });
    expect(logs[0]).toMatch(/older than 365 days/);
  });
});
