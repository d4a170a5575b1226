import { expect, it, vi } from 'vitest';
import { createCourse, uploadLecture } from '../../test-support/api-calls.js';
import { mkvClip } from '../../test-support/media-fixtures.js';
import { findProcesses } from '../../test-support/processes.js';
import { startTestServer } from '../../test-support/test-server.js';

it('kills every session FFmpeg when the server shuts down', async () => {
  const t = await startTestServer(
    { jit: { segmentSeconds: 2, preset: 'fast', maxHeight: 360 } },
    { startQueue: false },
  );
  const base = await t.cc.listen();
  const clip = await mkvClip({ seconds: 24, width: 640, height: 360, codec: 'hevc' });
  const { item } = await uploadLecture(t, await createCourse(t), clip);
  const body = (await (await fetch(`${base}/api/items/${item.id}/playback`)).json()) as {
    url: string;
    session: { id: string };
  };
  // The encoder keeps going after the first segment (preset fast: seconds of work left); the server is stopped while it runs.
  // The answer names the session's master; its segments sit beside it.
  expect((await fetch(body.url.replace('master.m3u8', 'seg_00000.ts'))).status).toBe(200);
  expect(findProcesses(body.session.id).length).toBe(1);
  await t.close();
  await vi.waitFor(() => expect(findProcesses(body.session.id)).toEqual([]));
});
