import { describe, expect, it } from 'vitest';
import { at, useCatalogStore } from '../../test-support/catalog-store-kit.js';
import type { NewLtiPlatform } from './lti-store.js';

const ctx = useCatalogStore();

const moodle: NewLtiPlatform = {
  id: 'plt_moodle',
  issuer: 'https://moodle.example.edu',
  clientId: 'cl-1',
  name: 'Moodle',
  authLoginUrl: 'https://moodle.example.edu/mod/lti/auth.php',
  tokenUrl: 'https://moodle.example.edu/mod/lti/token.php',
  jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
  tokenAudience: null,
  deploymentIds: ['1', '2'],
};

describe('LTI platforms in the catalog store', () => {
  it('registers, finds by issuer, updates and removes a platform', async () => {
    const created = await ctx.store.createLtiPlatform(moodle);
    expect(created).toEqual({ ...moodle, createdAt: at(0) });
    await ctx.store.createLtiPlatform({ ...moodle, id: 'plt_second', clientId: 'cl-2' });
    expect((await ctx.store.findLtiPlatforms(moodle.issuer)).map((p) => p.id)).toEqual([
      'plt_moodle',
      'plt_second',
    ]);
    expect(await ctx.store.findLtiPlatforms('https://other.example')).toEqual([]);

    const updated = await ctx.store.updateLtiPlatform('plt_moodle', {
      deploymentIds: ['3'],
      name: 'Moodle 4.5',
    });
    expect(updated).toMatchObject({ deploymentIds: ['3'], name: 'Moodle 4.5', jwksUrl: moodle.jwksUrl });
    expect(await ctx.store.updateLtiPlatform('plt_missing', { name: 'x' })).toBeNull();
    expect(await ctx.store.deleteLtiPlatform('plt_moodle')).toBe(true);
    expect(await ctx.store.deleteLtiPlatform('plt_moodle')).toBe(false);
    expect((await ctx.store.listLtiPlatforms()).map((p) => p.id)).toEqual(['plt_second']);
  });

  it('refuses a second registration of the same issuer and client id, keeping the first', async () => {
    await ctx.store.createLtiPlatform(moodle);
    await expect(
      ctx.store.createLtiPlatform({ ...moodle, id: 'plt_other', name: 'Copy' }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('registered already'),
    });
    expect(await ctx.store.listLtiPlatforms()).toEqual([{ ...moodle, createdAt: at(0) }]);
  });
});

describe('launch nonces, learners and server secrets', () => {
  it('accepts a nonce once per issuer, and forgets it once it has expired', async () => {
    const until = at(60_000);
    expect(await ctx.store.useLtiNonce('https://a.example', 'n-1', until)).toBe(true);
    expect(await ctx.store.useLtiNonce('https://a.example', 'n-1', until)).toBe(false);
    expect(await ctx.store.useLtiNonce('https://b.example', 'n-1', until)).toBe(true);
    ctx.clock += 61_000;
    expect(await ctx.store.useLtiNonce('https://a.example', 'n-1', at(120_000))).toBe(true);
  });

  it('keeps one learner per (issuer, deployment, subject), whatever id a later launch proposes', async () => {
    const identity = {
      issuer: 'https://a.example',
      deploymentId: '1',
      subject: 'u-7',
      name: null,
      email: null,
    };
    const first = await ctx.store.upsertLearner({ ...identity, id: 'lrn_first' });
    const again = await ctx.store.upsertLearner({ ...identity, id: 'lrn_second', name: 'Ada' });
    expect(again).toEqual({ ...first, name: 'Ada' });
    expect(again.id).toBe('lrn_first');
    const elsewhere = await ctx.store.upsertLearner({ ...identity, id: 'lrn_third', deploymentId: '2' });
    expect(elsewhere.id).toBe('lrn_third');
    expect(await ctx.store.getLearner('lrn_first')).toEqual(again);
    expect(await ctx.store.getLearner('lrn_missing')).toBeNull();
  });

  it('makes a server secret once and hands every later caller the same one', async () => {
    const first = await ctx.store.serverSecret('launch-state', () => 'made-first');
    const second = await ctx.store.serverSecret('launch-state', () => 'made-second');
    expect([first, second]).toEqual(['made-first', 'made-first']);
    expect(await ctx.store.serverSecret('learner-session', () => 'other')).toBe('other');
  });
});
