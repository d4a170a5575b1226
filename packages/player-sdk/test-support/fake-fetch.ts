import type { Answer, FetchLike, PostInit, Timers } from '../src/beacon-transport.js';

/** One request the fake fetch received; `resolve`/`reject` answer it when the script left it hanging. */
export interface FakeRequest {
  url: string;
  init: PostInit;
  /** The body, parsed. */
  json: OtlpBody;
  /** `this` of the call: window.fetch throws when it is another object than window or undefined. */
  self: unknown;
  resolve(status: number, headers?: Record<string, string>): void;
  reject(err: unknown): void;
  /** Whether the transport read the answer's body (which releases a keepalive request). */
  bodyRead: boolean;
}

/** What the script answers: a status, an error to reject with, or `hang` to answer later by hand. */
export type Scripted = number | Error | 'hang';

/** OTLP/JSON logs or traces bodies, loosely typed for reading in tests. */
export interface OtlpBody {
  resourceLogs?: { scopeLogs: { logRecords: OtlpItem[] }[] }[];
  resourceSpans?: { scopeSpans: { spans: OtlpItem[] }[] }[];
}
export interface OtlpItem {
  eventName?: string;
  name?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** The names of the events (log records) or spans of an OTLP/JSON body, in order. */
export function namesIn(body: OtlpBody): string[] {
  const logs = (body.resourceLogs ?? []).flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords));
  const spans = (body.resourceSpans ?? []).flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  return [...logs.map((l) => l.eventName ?? ''), ...spans.map((s) => s.name ?? '')];
}

/** A fetch that records every request and answers as `script` says (default 200). */
export function fakeFetch(script: (req: FakeRequest, index: number) => Scripted = () => 200): {
  fetch: FetchLike;
  calls: FakeRequest[];
} {
  const calls: FakeRequest[] = [];
  const fetch = function (this: unknown, url: string, init: PostInit): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const req: FakeRequest = {
        url,
        init,
        json: JSON.parse(init.body) as OtlpBody,
        self: this,
        resolve: (status, headers = {}) =>
          resolve({
            status,
            headers: { get: (name) => headers[name.toLowerCase()] ?? null },
            arrayBuffer: () => {
              req.bodyRead = true;
              return Promise.resolve(new ArrayBuffer(0));
            },
          }),
        bodyRead: false,
        reject,
      };
      calls.push(req);
      const answer = script(req, calls.length - 1);
      if (answer instanceof Error) reject(answer);
      else if (answer !== 'hang') req.resolve(answer);
    });
  };
  return { fetch, calls };
}

/** A sendBeacon that keeps the blobs it is given and answers `accept` (default true). */
export function fakeBeacon(accept: (url: string, data: Blob) => boolean = () => true): {
  sendBeacon: (url: string, data: Blob) => boolean;
  beacons: { url: string; data: Blob }[];
} {
  const beacons: { url: string; data: Blob }[] = [];
  return {
    beacons,
    sendBeacon: (url, data) => {
      beacons.push({ url, data });
      return accept(url, data);
    },
  };
}

/** Timers over the global (possibly vi-faked) ones, looked up at each call so vi.useFakeTimers applies. */
export const globalTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
