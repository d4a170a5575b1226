// The player SDK's OTLP/JSON, as its encoder writes it, is what this ingest takes: a change on either side
// that breaks the other fails here.
import { ATTR_VIEW_ID, ATTR_VIEW_SEQ, PLAYBACK_EVENTS } from '@coursecast/semconv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLogs, encodeSpans } from '../../../../packages/player-sdk/src/otlp-encode.js';
import {
  scormCallAttributes,
  scormLaunchAttributes,
} from '../../../../packages/player-sdk/src/scorm/scorm-event.js';
import { readScormMessage } from '../../../../packages/player-sdk/src/scorm/scorm-message.js';
import { SPAN_KINDS, STATUS_CODES } from '../../../../packages/player-sdk/src/sdk-types.js';
import {
  PLAYER_SERVICE_NAME,
  SDK_NAME,
  sdkResource,
} from '../../../../packages/player-sdk/src/sdk-resource.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

const scope = { name: SDK_NAME, version: '0.0.0-test' };
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const post = (url: string, payload: string) =>
  t.cc.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

describe('the ingest takes what the player SDK encodes', () => {
  it('stores a view_start event posted to /v1/logs and a request span posted to /v1/traces', async () => {
    const view = 'sdk-encode-view';
    const traceId = 'a1'.repeat(16);
    const timeMs = Date.now() - 1000.5;
    const logs = await post(
      '/v1/logs',
      encodeLogs(sdkResource(), scope, [
        {
          name: PLAYBACK_EVENTS.viewStart,
          timeMs,
          attributes: { [ATTR_VIEW_ID]: view, [ATTR_VIEW_SEQ]: 0 },
          traceId,
          spanId: 'cd'.repeat(8),
        },
      ]),
    );
    expect(logs.statusCode, logs.body).toBe(200);
    // A partial success would name its rejected records; a full one answers an empty object.
    expect(logs.json()).toEqual({});
    const events = await t.cc.pipeline.store.db.all(
      'SELECT name, seq, trace_id, span_id, service, epoch_ms(time) AS ms FROM events WHERE view_id = $1',
      [view],
    );
    expect(events).toEqual([
      {
        name: PLAYBACK_EVENTS.viewStart,
        seq: 0,
        trace_id: traceId,
        span_id: 'cd'.repeat(8),
        service: PLAYER_SERVICE_NAME,
        ms: BigInt(Math.floor(timeMs)),
      },
    ]);

    const now = Date.now();
    const traces = await post(
      '/v1/traces',
      encodeSpans(sdkResource(), scope, [
        {
          traceId,
          spanId: 'ef'.repeat(8),
          parentSpanId: 'cd'.repeat(8),
          name: 'GET',
          kind: SPAN_KINDS.client,
          startMs: now - 50,
          endMs: now,
          attributes: { 'http.request.method': 'GET' },
          status: { code: STATUS_CODES.error, message: 'timeout' },
        },
      ]),
    );
    expect(traces.statusCode, traces.body).toBe(200);
    expect(traces.json()).toEqual({});
    const spans = await t.cc.pipeline.store.db.all(
      'SELECT name, kind, service, parent_span_id, status, status_message FROM spans WHERE trace_id = $1',
      [traceId],
    );
    expect(spans).toEqual([
      {
        name: 'GET',
        kind: 'client',
        service: PLAYER_SERVICE_NAME,
        parent_span_id: 'cd'.repeat(8),
        status: 'error',
        status_message: 'timeout',
      },
    ]);
  });

  it('stores a content.scorm_call the SCORM host builds from the runtime’s message, as no view event', async () => {
    const course = 'crs_scorm_payload';
    const launch = scormLaunchAttributes({ moduleId: 'itm_scorm', courseId: course }, 'ab'.repeat(16));
    const finish = readScormMessage({
      type: 'coursecast.scorm',
      v: 1,
      call: 'finish',
      snapshot: {
        version: '1.2',
        completionStatus: 'completed',
        successStatus: 'failed',
        lessonStatus: 'failed',
        scoreScaled: 0.3,
        sessionTimeS: 750.5,
        location: 'page-3',
      },
    });
    expect(finish).toBeTruthy();
    const attributes = scormCallAttributes(launch, finish!);
    const event = { name: PLAYBACK_EVENTS.scormCall, timeMs: Date.now() - 10, attributes };
    const res = await post('/v1/logs', encodeLogs(sdkResource(), scope, [event]));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({});
    const rows = await t.cc.pipeline.store.db.all(
      `SELECT name, view_id, course_id,
         json_extract_string(attrs, '$."content.scorm.call"') AS call,
         json_extract_string(attrs, '$."content.scorm.attempt_id"') AS attempt,
         json_extract_string(attrs, '$."content.scorm.completion_status"') AS completion,
         CAST(json_extract(attrs, '$."content.scorm.score_scaled"') AS DOUBLE) AS score
       FROM events WHERE course_id = $1`,
      [course],
    );
    expect(rows).toEqual([
      {
        name: PLAYBACK_EVENTS.scormCall,
        view_id: null,
        course_id: course,
        call: 'finish',
        attempt: 'ab'.repeat(16),
        completion: 'completed',
        score: 0.3,
      },
    ]);

    // With a view id it would make a view of its own: the ingest refuses it.
    const viewed = { ...event, attributes: { ...attributes, [ATTR_VIEW_ID]: 'scorm-view' } };
    const refused = await post('/v1/logs', encodeLogs(sdkResource(), scope, [viewed]));
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json()).toMatchObject({
      error: { message: expect.stringContaining('not a view event'), details: { rejected: 1 } },
    });
  });
});
