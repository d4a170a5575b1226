// Budgets that hold under abuse: per client (behind trusted proxies, IPv6 /64s as one), per node, per request
// body; and a 16 MiB request beside a streaming player. Each test checks the answers and what was stored.
import http from 'node:http';
import net from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { describe, expect, it } from 'vitest';
import { protobufRequest } from '../../test-support/otlp-fixtures.js';
import { jsonBody, otlpLogs } from '../../test-support/otlp-json.js';
import { patternBytes, publishItem } from '../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

describe('budgets that hold under abuse', () => {
  const beacon = (view: string) =>
    jsonBody(
      otlpLogs([
        { name: E.viewStart, timeMs: Date.now(), attrs: { 'content.view.id': view, 'content.view.seq': 0 } },
      ]),
    );
  const flood = async (
    server: TestServer,
    from: string,
    forwardedFor: (i: number) => string,
    n: number,
    view: string,
  ) => {
    // All at once, as a flood comes: each answer waits for its group commit, not for the one before.
    return Promise.all(
      Array.from({ length: n }, (_, i) =>
        server.cc.app.inject({
          method: 'POST',
          url: '/v1/logs',
          payload: beacon(`${view}-${i}`),
          remoteAddress: from,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor(i) },
        }),
      ),
    );
  };
  const storedViews = async (server: TestServer, prefix: string) =>
    Number(
      (
        await server.cc.pipeline.store.db.all(
          `SELECT count(*)::INTEGER AS n FROM events WHERE starts_with(view_id, $1)`,
          [prefix],
        )
      )[0]?.['n'],
    );
  const addr = (i: number) => `198.51.${(i >> 8) & 255}.${i & 255}`;

  it('without a trusted proxy, 1,000 forged X-Forwarded-For addresses are one client', async () => {
    const s = await startTestServer({ ingest: { rateBurst: 5, ratePerSecond: 0.001 } });
    try {
      const answers = await flood(s, '203.0.113.9', addr, 1000, 'xff-untrusted');
      expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(5);
      expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(995);
      expect(answers[999]?.json<{ error: { message: string } }>().error.message).toContain('203.0.113.9');
      expect(await storedViews(s, 'xff-untrusted')).toBe(5);
    } finally {
      await s.close();
    }
  });

  it('behind a trusted proxy each learner is a client, an IPv6 /64 is one, and the node budget caps the whole', async () => {
    const s = await startTestServer({
      trustedProxies: ['10.20.0.0/16'],
      ingest: { rateBurst: 5, ratePerSecond: 0.001, nodeRecordsPerSecond: 100 },
    });
    try {
      const answers = await flood(s, '10.20.0.1', addr, 1000, 'xff-trusted');
      const codes = answers.map((a) => a.statusCode);
      // No learner reached its own limit: the only refusals are the node's budget (2 s of 100 records/s, plus
      // what refilled while the flood ran), answered 503 with Retry-After.
      expect(codes.filter((c) => c === 429)).toEqual([]);
      const ok = codes.filter((c) => c === 200).length;
      expect(ok).toBeGreaterThanOrEqual(200);
      expect(ok).toBeLessThan(1000);
      const refused = answers.find((a) => a.statusCode === 503)!;
      expect(refused.json<{ error: { code: string } }>().error.code).toBe('ingest_overloaded');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Every acknowledged beacon is stored, and nothing refused is.
      expect(await storedViews(s, 'xff-trusted')).toBe(ok);

      // Addresses rotated inside one IPv6 /64 share one bucket.
      const v6 = await flood(s, '10.20.0.1', (i) => `2001:db8:7:42:${(i + 1).toString(16)}::1`, 8, 'xff-v6');
      expect(v6.map((a) => a.statusCode).filter((c) => c === 429)).toHaveLength(3);
      expect(v6[7]?.json<{ error: { message: string } }>().error.message).toContain('2001:db8:7:42::/64');
    } finally {
      await s.close();
    }
  });
});

describe('slow and stalled request bodies', () => {
  /** A POST to /v1/logs that declares `declared` bytes, sends ten, and stalls; resolves when the server closes it. */
  function stall(port: number, forwardedFor: string, declared: number) {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    // `sent`: the head and the first bytes are on the wire (not yet necessarily read by the server).
    const sent = new Promise<void>((resolve) =>
      socket.write(
        `POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n` +
          `X-Forwarded-For: ${forwardedFor}\r\n\r\n{"resource`,
        () => resolve(),
      ),
    );
    const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
    return { socket, sent, closed, answer: () => answer };
  }
  /** One beacon on a connection of its own (a refused request leaves its unread body on a pooled one). */
  const send = (base: string, forwardedFor: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = jsonBody(
        otlpLogs([
          {
            name: E.viewStart,
            timeMs: Date.now(),
            attrs: { 'content.view.id': `b-${forwardedFor}`, 'content.view.seq': 0 },
          },
        ]),
      );
      const req = http.request(
        `${base}/v1/logs`,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            'x-forwarded-for': forwardedFor,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  it('holds a client to its requests in flight, the node to its body memory, and closes a stalled body on time', async () => {
    const s = await startTestServer({
      trustedProxies: ['127.0.0.1'],
      ingest: {
        bodyTimeoutSeconds: 2,
        maxInFlightPerClient: 3,
        maxBodyMemoryBytes: 1024 * 1024,
        maxBodyBytes: 320 * 1024,
      },
    });
    try {
      const base = await s.cc.listen();
      const port = Number(new URL(base).port);
      const mine = [1, 2, 3].map(() => stall(port, '198.51.100.7', 1000));
      await new Promise((r) => setTimeout(r, 100));
      // A fourth from the same client is refused at once; another client is not held up.
      const fourth = await send(base, '198.51.100.7');
      expect(fourth.status).toBe(429);
      expect(fourth.body).toContain('in flight');
      expect((await send(base, '198.51.100.8')).status).toBe(200);
      // Strangers each stalling a large body: the node holds 1 MiB, so three of 300 KiB fit (with or without the
      // 3 × 1000 B above, which a slow machine may already have timed out) and a fourth is refused before its
      // body is read. Whichever the server reads last is the one refused: the order of four connections' heads
      // on a loaded machine is not the test's to decide.
      const four = [1, 2, 3, 4].map((i) => stall(port, `203.0.113.${i}`, 300 * 1024));
      await Promise.all(four.map((x) => x.sent));
      const deadline = Date.now() + 1800;
      while (!four.some((x) => x.answer() !== '') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const refused = four.filter((x) => x.answer() !== '');
      expect(refused).toHaveLength(1);
      expect(refused[0]!.answer()).toMatch(/^HTTP\/1\.1 503/);
      expect(refused[0]!.answer()).toContain('ingest_overloaded');
      refused[0]!.socket.destroy();
      const large = four.filter((x) => x !== refused[0]);
      // A small beacon still fits beside them.
      expect((await send(base, '198.51.100.9')).status).toBe(200);
      // After the body timeout every stalled connection is closed and every reservation returned.
      await Promise.all([...mine, ...large].map((x) => x.closed));
      expect((await send(base, '198.51.100.7')).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(
        /ingest_requests_refused_total\{[^}]*coursecast_error_code="body_timeout"[^}]*\} 6/,
      );
      // Nothing acknowledged was lost along the way.
      const stored = await s.cc.pipeline.store.db.all(
        `SELECT count(*)::INTEGER AS n FROM events WHERE starts_with(view_id, 'b-')`,
      );
      expect(stored).toEqual([{ n: 3 }]);
    } finally {
      await s.close();
    }
  });
});

describe('a 16 MiB request while a player streams', () => {
  it('is decoded off the event loop and stored whole, and every segment request of the player is answered', async () => {
    const s = await startTestServer({}, { startQueue: false });
    try {
      const p = await publishItem(
        s.cc,
        Object.fromEntries(
          Array.from({ length: 8 }, (_, i) => [`360p/seg_0000${i}.m4s`, patternBytes(200_000, i)]),
        ),
      );
      const now = BigInt(Date.now()) * 1_000_000n;
      const spans = Array.from({ length: 4000 }, (_, i) => ({
        traceId: Buffer.from('cd'.repeat(16), 'hex'),
        spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
        name: 'big.span',
        kind: 1,
        startTimeUnixNano: String(now),
        endTimeUnixNano: String(now + 1_000_000n),
        attributes: [{ key: 'note', value: { stringValue: `${i}`.padEnd(4000, 'x') } }],
      }));
      const body = gzipSync(
        protobufRequest('traces', {
          resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }],
        }),
      );
      expect(gunzipSync(body).length).toBeGreaterThan(16_000_000);
      const [big, ...segments] = await Promise.all([
        s.cc.app.inject({
          method: 'POST',
          url: '/v1/traces',
          payload: body,
          headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
        }),
        ...Array.from({ length: 24 }, (_, i) =>
          s.cc.app.inject({ url: p.mediaPath(`360p/seg_0000${i % 8}.m4s`) }),
        ),
      ]);
      expect(big!.statusCode, big!.body).toBe(200);
      expect(segments.map((r) => r.statusCode)).toEqual(segments.map(() => 200));
      const stored = await s.cc.pipeline.store.db.all(
        `SELECT count(*)::INTEGER AS n FROM spans WHERE name = 'big.span'`,
      );
      expect(stored).toEqual([{ n: 4000 }]);
    } finally {
      await s.close();
    }
  });
});
