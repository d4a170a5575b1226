// A live lecture under test: a test server with a course, the lecture's API calls, and publishers (FFmpeg as OBS).
import type { LiveResponse, LiveStatusResponse } from '@coursecast/api';
import {
  startLiveTestPublish,
  type LiveTestPublisher,
  type LiveTestPublishOptions,
} from '@coursecast/media/samples';
import { expect } from 'vitest';
import type { ConfigInput } from '../src/config.js';
import { FFMPEG } from './media-fixtures.js';
import { startTestServer, type TestServer } from './test-server.js';

/** A test server with one course, for live lectures; `cleanups` run in reverse after the test. */
export interface LiveKit {
  ts: TestServer;
  courseId: string;
  create(body?: object): Promise<LiveResponse>;
  lecture(itemId: string): Promise<LiveResponse>;
  status(itemId: string): Promise<LiveStatusResponse>;
  /** A publisher for the lecture's RTMP URL (or another key), killed after the test. */
  publishRtmp(live: LiveResponse, o?: Partial<LiveTestPublishOptions> & { key?: string }): LiveTestPublisher;
  /** A publisher over SRT with the lecture's passphrase (or another one). */
  publishSrt(
    live: LiveResponse,
    o?: Partial<LiveTestPublishOptions> & { passphrase?: string },
  ): LiveTestPublisher;
  /** A media URL's body, status and Cache-Control, through the app. */
  media(url: string): Promise<{ body: string; status: number; cacheControl: string }>;
  /** Every publisher started, in order. */
  publishers: LiveTestPublisher[];
  /** Waits until the lecture is in `state`. */
  waitState(itemId: string, state: LiveResponse['state'], timeoutMs?: number): Promise<LiveResponse>;
}

/** Starts the kit; `cleanups` gets what to stop. */
export async function startLiveKit(
  cleanups: (() => Promise<void>)[],
  live: NonNullable<ConfigInput['live']> = {},
  dataDir?: string,
): Promise<LiveKit> {
  const ts = await startTestServer(
    { live: { graceSeconds: 30, ...live } },
    {},
    ...(dataDir ? [dataDir] : []),
  );
  cleanups.push(() => ts.close());
  const course = await ts.cc.app.inject({
    method: 'POST',
    url: '/api/courses',
    headers: ts.auth,
    payload: { title: 'Live course' },
  });
  expect(course.statusCode).toBe(201);
  const courseId = course.json<{ course: { id: string } }>().course.id;
  const publishers: LiveTestPublisher[] = [];
  const publisher = (url: string, o: Partial<LiveTestPublishOptions>): LiveTestPublisher => {
    const p = startLiveTestPublish({ ffmpegPath: FFMPEG, url, width: 640, height: 360, ...o });
    publishers.push(p);
    cleanups.push(() => p.stop());
    return p;
  };
  const lecture = async (itemId: string): Promise<LiveResponse> => {
    const res = await ts.cc.app.inject({ url: `/api/items/${itemId}/live`, headers: ts.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<LiveResponse>();
  };
  return {
    ts,
    courseId,
    publishers,
    async create(body = { title: 'Office hours' }) {
      const res = await ts.cc.app.inject({
        method: 'POST',
        url: `/api/courses/${courseId}/live`,
        headers: ts.auth,
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<LiveResponse>();
    },
    lecture,
    async status(itemId) {
      return (await ts.cc.app.inject({ url: `/api/items/${itemId}/live/status` })).json<LiveStatusResponse>();
    },
    publishRtmp(l, o = {}) {
      const url = `${l.ingest.rtmp.url.replace('//localhost:', '//127.0.0.1:')}/${o.key ?? l.ingest.rtmp.streamKey}`;
      return publisher(url, o);
    },
    publishSrt(l, o = {}) {
      const srt = l.ingest.srt!;
      const url = `${srt.url.replace('//localhost:', '//127.0.0.1:')}?passphrase=${o.passphrase ?? srt.passphrase}&pbkeylen=16`;
      return publisher(url, o);
    },
    async media(url) {
      const res = await ts.cc.app.inject({ url: new URL(url).pathname });
      return { body: res.body, status: res.statusCode, cacheControl: String(res.headers['cache-control']) };
    },
    async waitState(itemId, state, timeoutMs = 15_000) {
      await expect.poll(async () => (await lecture(itemId)).state, { timeout: timeoutMs }).toBe(state);
      return lecture(itemId);
    },
  };
}
