import { createServer, type Server } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test-support/lti-test-platform.js';
import { openDuckDbCatalogStore, type CatalogStore, type ScoreTarget } from '../store/index.js';
import { createAgsClient, lineitemSubpath } from './ags-client.js';
import { createScoreOutbox, type ScoreOutbox } from './score-outbox.js';
import { createToolKeyring } from './tool-keyring.js';

let store: CatalogStore;
let lms: TestPlatform;
let jwksServer: Server;
let clock = Date.parse('2030-01-01T00:00:00Z');
let outbox: ScoreOutbox;
const now = () => clock;

beforeAll(async () => {
  store = await openDuckDbCatalogStore({ path: ':memory:', now: () => new Date(clock) });
  lms = await startTestPlatform();
  const keyring = createToolKeyring({ store, retiredGraceMs: 0 });
  // The tool's JWKS, where the platform checks the client assertions.
  jwksServer = createServer((_req, res) => {
    void keyring.jwks().then((jwks) => res.end(JSON.stringify(jwks)));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  const address = jwksServer.address();
  lms.ags.toolJwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  await store.createLtiPlatform({
    id: 'plt_test',
    name: 'Test LMS',
    issuer: lms.issuer,
    clientId: lms.clientId,
    authLoginUrl: lms.authUrl,
    tokenUrl: lms.tokenUrl,
    jwksUrl: lms.jwksUrl,
    tokenAudience: null,
    deploymentIds: [lms.deploymentId],
  });
  outbox = createScoreOutbox({
    store,
    client: createAgsClient({ keyring, timeoutMs: 300, now }),
    meter: metrics.getMeter('test'),
    baseDelayMs: 1000,
    maxAttempts: 4,
    pollMs: 3600_000,
    now,
  });
});
afterAll(async () => {
  await outbox?.stop();
  await lms?.close();
  jwksServer?.close();
  await store?.close();
});
beforeEach(() => {
  lms.ags.failScores(0, 0);
});

let n = 0;
/** Queues a score for a new learner, as a completed lecture does. */
async function queue(target: Partial<ScoreTarget> = {}, given = 93): Promise<string> {
  const id = `sco_${++n}`;
  const t: ScoreTarget = {
    platformId: 'plt_test',
    learnerId: `lrn_${n}`,
    itemId: 'itm_1',
    lineitemUrl: null,
    lineitemsUrl: `${lms.issuer}/lineitems`,
    resourceLinkId: 'rl-1',
    label: 'Lecture 1',
    userId: `sub-${n}`,
    ...target,
  };
  await store.saveLectureProgress(
    {
      learnerId: t.learnerId,
      itemId: t.itemId,
      positionSeconds: 1,
      watched: [[0, 93]],
      watchedSeconds: 93,
      durationSeconds: 100,
      completedAt: new Date(clock).toISOString(),
    },
    {
      id,
      target: t,
      body: {
        scoreGiven: given,
        scoreMaximum: 100,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
        timestamp: new Date(clock).toISOString(),
      },
    },
  );
  return id;
}
const stateOf = async (id: string) => (await store.listScores(100)).find((s) => s.id === id)!;

describe('the score outbox', () => {
  it('finds or makes the resource link line item, posts the score, and reuses the token and the line item', async () => {
    const first = await queue();
    await outbox.drain();
    expect(await stateOf(first)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(lms.ags.lineitems).toEqual([
      expect.objectContaining({
        label: 'Lecture 1',
        resourceLinkId: 'rl-1',
        scoreMaximum: 100,
        resourceId: 'itm_1',
      }),
    ]);
    expect(lms.ags.scores.at(-1)).toEqual({
      lineitem: `${lms.issuer}/lineitems/1/lineitem`,
      body: expect.objectContaining({
        userId: `sub-${n}`,
        scoreGiven: 93,
        scoreMaximum: 100,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      }),
    });
    await queue();
    await outbox.drain();
    expect(lms.ags.lineitems).toHaveLength(1);
    expect(lms.ags.tokensIssued()).toBe(1);
  });

  it('retries a 500, a 401 and a platform that never answers, with a doubling delay, until the score lands', async () => {
    const id = await queue({ lineitemUrl: `${lms.issuer}/lineitems/1/lineitem?type_id=7` });
    const sent = lms.ags.scores.length;
    lms.ags.failScores(500, 1);
    await outbox.drain();
    expect(await stateOf(id)).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: expect.stringMatching(/500/),
    });
    // Not due before its delay.
    await outbox.drain();
    expect((await stateOf(id)).attempts).toBe(1);

    lms.ags.failScores(401, 1);
    clock += 1000;
    await outbox.drain();
    expect(await stateOf(id)).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/401/) });
    lms.ags.failScores(0, 1);
    clock += 2000;
    await outbox.drain();
    expect(await stateOf(id)).toMatchObject({ attempts: 3, lastError: expect.stringMatching(/in time/) });
    expect(lms.ags.scores).toHaveLength(sent);

    clock += 4000;
    await outbox.drain();
    expect(await stateOf(id)).toMatchObject({ state: 'sent', attempts: 4 });
    expect(lms.ags.scores).toHaveLength(sent + 1);
    // After the 401 the token was not reused.
    expect(lms.ags.tokensIssued()).toBeGreaterThan(1);
  });

  it('gives a score up after the last attempt, or at once when its platform is gone, and keeps the reason', async () => {
    const id = await queue({ lineitemUrl: `${lms.issuer}/lineitems/1/lineitem` });
    lms.ags.failScores(503, 10);
    for (let i = 0; i < 4; i++) {
      clock += 60_000;
      await outbox.drain();
    }
    expect(await stateOf(id)).toMatchObject({
      state: 'failed',
      attempts: 4,
      lastError: expect.stringMatching(/503/),
    });
    const orphan = await queue({ platformId: 'plt_gone' });
    await outbox.drain();
    expect(await stateOf(orphan)).toMatchObject({
      state: 'failed',
      lastError: expect.stringMatching(/no longer/),
    });
  });

  it('puts /scores into a line item URL before its query', () => {
    expect(
      lineitemSubpath(
        'https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem?type_id=1',
        'scores',
      ),
    ).toBe('https://moodle.example/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=1');
  });
});
