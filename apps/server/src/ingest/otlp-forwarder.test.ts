import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import { describe, expect, it } from 'vitest';
import { jsonBody, keyValues, otlpLogs } from '../../test-support/otlp-json.js';
import { startTestServer } from '../../test-support/test-server.js';
import { createOtlpForwarder } from './otlp-forwarder.js';

describe('the OTLP forwarder', () => {
  it('stays bounded: drops beyond its queue, counts collector errors, never throws', async () => {
    const dropped: string[] = [];
    const answers: ((r: Response) => void)[] = [];
    const f = createOtlpForwarder({
      endpoint: 'http://collector:4318/',
      headers: { authorization: 'Bearer x' },
      maxQueued: 3,
      maxQueuedBytes: 1024,
      concurrency: 1,
      timeoutMs: 1000,
      onDrop: (r) => dropped.push(r),
      fetch: ((url: string) => {
        expect(url).toBe('http://collector:4318/v1/logs');
        return new Promise<Response>((resolve) => answers.push(resolve));
      }) as typeof fetch,
    });
    for (let i = 0; i < 5; i++) f.forward('logs', 'application/json', Buffer.from('{}'));
    f.forward('logs', 'application/json', Buffer.alloc(2048));
    expect(dropped).toEqual(['queue_full', 'queue_full', 'queue_full']);
    answers.shift()!(new Response('', { status: 503 }));
    await new Promise((r) => setTimeout(r, 10));
    answers.shift()!(new Response('{}', { status: 200 }));
    await new Promise((r) => setTimeout(r, 10));
    answers.shift()!(new Response('{}', { status: 200 }));
    await f.drain(1000);
    expect(dropped).toEqual(['queue_full', 'queue_full', 'queue_full', 'http_503']);
  });

  it("relays accepted player logs to the server's OTLP endpoint, each resource marked as received by the server", async () => {
    const received: { url: string; type: string; body: string }[] = [];
    const sink = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ url: req.url ?? '', type: req.headers['content-type'] ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const port = (sink.address() as AddressInfo).port;
    const t = await startTestServer({ instrumentation: { otlpEndpoint: `http://127.0.0.1:${port}` } });
    try {
      // The sender claims to be the server: its claim is replaced, never relayed beside the server's mark.
      const request = otlpLogs(
        [
          {
            name: E.viewStart,
            timeMs: Date.now(),
            attrs: { 'content.view.id': 'fw', 'content.view.seq': 0 },
          },
        ],
        { 'service.name': 'player', 'coursecast.telemetry.origin': 'server' },
      );
      const payload = jsonBody(request);
      const res = await t.cc.app.inject({
        method: 'POST',
        url: '/v1/logs',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(200);
      await t.cc.pipeline.forwarder!.drain(5000);
      const logs = received.filter((r) => r.url === '/v1/logs');
      expect(logs.map((r) => [r.url, r.type])).toEqual([['/v1/logs', 'application/json']]);
      const relayed = JSON.parse(logs[0]!.body) as {
        resourceLogs: { resource: { attributes: unknown[] }; scopeLogs: unknown }[];
      };
      expect(relayed.resourceLogs[0]!.resource.attributes).toEqual(
        keyValues({ 'service.name': 'player', 'coursecast.telemetry.origin': 'received' }),
      );
      // Everything else goes as it was sent.
      const sent = request as { resourceLogs: { scopeLogs: unknown }[] };
      expect(relayed.resourceLogs[0]!.scopeLogs).toEqual(sent.resourceLogs[0]!.scopeLogs);
    } finally {
      await t.close();
      sink.close();
    }
  });
});
