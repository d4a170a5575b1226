import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { publishItem } from '../../../test-support/published-item.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../../../test-support/test-server.js';

const received: { auth: string | undefined; body: string }[] = [];
let fakeEdge: http.Server;
let t: TestServer;

beforeAll(async () => {
  fakeEdge = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/edge/purge') received.push({ auth: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => fakeEdge.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(fakeEdge.address() as AddressInfo).port}`;
  // The second edge is down: its failure must not stop the first from being told.
  t = await startTestServer({ delivery: { purgeEdges: ['http://127.0.0.1:1', url] } }, { startQueue: false });
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => fakeEdge.close(r));
});

it('tells every configured remote edge to purge a deleted item, with the admin token', async () => {
  const p = await publishItem(t.cc, { 'master.m3u8': '#EXTM3U\n' });
  const res = await t.cc.app.inject({ method: 'DELETE', url: `/api/items/${p.itemId}`, headers: t.auth });
  expect(res.statusCode).toBe(204);
  await vi.waitFor(() => expect(received).toHaveLength(1));
  expect(received[0]).toEqual({ auth: `Bearer ${TEST_TOKEN}`, body: JSON.stringify({ itemId: p.itemId }) });
});
