import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { CDN_ORIGIN_ERROR_TYPES, type CdnOriginErrorType } from '@coursecast/semconv';

/** An origin's answer: status and headers now, the body as a stream the caller must consume or destroy. */
export interface OriginResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Readable;
}

/** Why an origin fetch failed, in the bounded classes dashboards group by. */
export class OriginFetchError extends Error {
  override readonly name = 'OriginFetchError';
  constructor(
    readonly type: CdnOriginErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How the edge reaches its origin: over HTTP (a CDN node) or inside the same process. */
export interface OriginClient {
  /** GETs `path` (already origin-relative); rejects with OriginFetchError when no response head arrives. */
  get(path: string, headers: Record<string, string>, timeoutMs: number): Promise<OriginResponse>;
  close(): void;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * An HTTP(S) origin with keep-alive connections. The timeout covers the response head; reading the
 * body within the deadline is the caller's (it knows whether it is buffering or streaming).
 */
export function createHttpOriginClient(baseUrl: string): OriginClient {
  const base = new URL(baseUrl);
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 256 })
    : new http.Agent({ keepAlive: true, maxSockets: 256 });
  const prefix = base.pathname.replace(/\/$/, '');
  return {
    get(path, headers, timeoutMs) {
      return new Promise((resolve, reject) => {
        const request = (secure ? https : http).request(
          {
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port,
            path: prefix + path,
            method: 'GET',
            headers,
            agent,
          },
          (res) => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res });
          },
        );
        const timer = setTimeout(() => {
          request.destroy(
            new OriginFetchError(
              CDN_ORIGIN_ERROR_TYPES.timeout,
              `origin ${base.host} sent no response within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        request.once('error', (err: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          if (err instanceof OriginFetchError) return reject(err);
          const type =
            err.code && NETWORK_CODES.has(err.code)
              ? CDN_ORIGIN_ERROR_TYPES.unreachable
              : CDN_ORIGIN_ERROR_TYPES.badResponse;
          reject(
            new OriginFetchError(type, `origin ${base.host}: ${err.code ?? err.message}`, { cause: err }),
          );
        });
        request.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** What an in-process origin needs: Fastify's inject, answering as a stream. */
export type InjectFn = (options: {
  method: 'GET';
  url: string;
  headers: Record<string, string>;
  payloadAsStream: true;
}) => Promise<{
  statusCode: number;
  headers: IncomingHttpHeaders | Record<string, unknown>;
  stream(): Readable;
  raw: { res: { destroy(): unknown } };
}>;

/**
 * The embedded edge's origin: the same HTTP routes, reached through Fastify's inject (no socket), so
 * traceparent, validators and error bodies behave exactly as over the network.
 */
export function createInProcessOriginClient(inject: InjectFn): OriginClient {
  return {
    async get(path, headers, timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new OriginFetchError(
                CDN_ORIGIN_ERROR_TYPES.timeout,
                `origin sent no response within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
      });
      try {
        const res = await Promise.race([
          inject({ method: 'GET', url: path, headers, payloadAsStream: true }),
          timeout,
        ]);
        const body = res.stream();
        // Destroying the consumer side alone would leave the origin's file stream waiting for a drain that
        // never comes (an fd per aborted request): close the simulated response so the origin cleans up.
        body.once('close', () => {
          if (!body.readableEnded) res.raw.res.destroy();
        });
        return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body };
      } catch (err) {
        if (err instanceof OriginFetchError) throw err;
        throw new OriginFetchError(CDN_ORIGIN_ERROR_TYPES.badResponse, `origin failed: ${String(err)}`, {
          cause: err,
        });
      } finally {
        clearTimeout(timer);
      }
    },
    close() {},
  };
}
