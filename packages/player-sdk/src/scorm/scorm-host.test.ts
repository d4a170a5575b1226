import {
  ATTR_CONTENT_COURSE_ID,
  ATTR_MODULE_ID,
  ATTR_SCORM_ACTIVITY_ID,
  ATTR_SCORM_ATTEMPT_ID,
  ATTR_SCORM_CALL,
  ATTR_SCORM_COMPLETION_STATUS,
  ATTR_SCORM_LESSON_STATUS,
  ATTR_SCORM_SCORE_SCALED,
  ATTR_SCORM_SESSION_TIME_S,
  ATTR_SCORM_SUCCESS_STATUS,
  ATTR_SCORM_VERSION,
  ATTR_VIEW_ID,
  PLAYBACK_EVENTS,
} from '@coursecast/semconv/browser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, namesIn } from '../../test-support/fake-fetch.js';
import { fakeTransport, launchRig } from '../../test-support/fake-scorm.js';
import { installScormFrame } from './scorm-frame.js';
import { attachScormHost } from './scorm-host.js';
import type { ScormMessage } from './scorm-message.js';

const message = (over: Record<string, unknown> = {}, snapshot: Record<string, unknown> = {}) => ({
  type: 'coursecast.scorm',
  v: 1,
  call: 'commit',
  snapshot: { version: '2004', completionStatus: 'incomplete', successStatus: 'unknown', ...snapshot },
  ...over,
});

const APP = 'https://learn.example';
const CONTENT = 'https://content.example';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('attachScormHost', () => {
  it('records each call from the frame as content.scorm_call, with the module, attempt and status', () => {
    const { host, frame, frameWindow } = launchRig();
    const t = fakeTransport();
    const seen: string[] = [];
    const handle = attachScormHost(frame, {
      origin: CONTENT,
      moduleId: 'itm_scorm',
      courseId: 'crs_1',
      transport: t.transport,
      attributes: { 'content.item_id': 'itm_scorm', [ATTR_VIEW_ID]: 'not-a-view' },
      onCall: (call) => seen.push(call),
    });
    host.deliver(message({ call: 'initialize' }, { completionStatus: 'unknown' }), frameWindow);
    host.deliver(
      message(
        { call: 'finish' },
        {
          version: '1.2',
          completionStatus: 'completed',
          successStatus: 'passed',
          lessonStatus: 'passed',
          scoreScaled: 0.8,
          sessionTimeS: 750.5,
          location: 'page-3',
        },
      ),
      frameWindow,
    );

    expect(handle.attemptId).toMatch(/^[0-9a-f]{32}$/);
    expect(handle.calls).toBe(2);
    expect(seen).toEqual(['initialize', 'finish']);
    expect(t.events.map((e) => e.name)).toEqual([PLAYBACK_EVENTS.scormCall, PLAYBACK_EVENTS.scormCall]);
    expect(t.events[0]!.attributes).toEqual({
      'content.item_id': 'itm_scorm',
      [ATTR_MODULE_ID]: 'itm_scorm',
      [ATTR_CONTENT_COURSE_ID]: 'crs_1',
      [ATTR_SCORM_ATTEMPT_ID]: handle.attemptId,
      [ATTR_SCORM_CALL]: 'initialize',
      [ATTR_SCORM_VERSION]: '2004',
      [ATTR_SCORM_COMPLETION_STATUS]: 'unknown',
      [ATTR_SCORM_SUCCESS_STATUS]: 'unknown',
    });
    expect(t.events[1]!.attributes).toMatchObject({
      [ATTR_SCORM_ATTEMPT_ID]: handle.attemptId,
      [ATTR_SCORM_CALL]: 'finish',
      [ATTR_SCORM_VERSION]: '1.2',
      [ATTR_SCORM_COMPLETION_STATUS]: 'completed',
      [ATTR_SCORM_SUCCESS_STATUS]: 'passed',
      [ATTR_SCORM_LESSON_STATUS]: 'passed',
      [ATTR_SCORM_SCORE_SCALED]: 0.8,
      [ATTR_SCORM_SESSION_TIME_S]: 750.5,
    });
    // Not a view event, whatever the page passed; and the bookmark stays in the page.
    expect(t.events.some((e) => ATTR_VIEW_ID in e.attributes)).toBe(false);
    expect(Object.values(t.events[1]!.attributes)).not.toContain('page-3');
    // A finish leaves at once.
    expect(t.urgencies).toEqual(['batch', 'now']);
    expect(Math.abs(t.events[0]!.timeMs - Date.now())).toBeLessThan(1000);
    handle.destroy();
  });

  it('names the SCO of a multi-SCO course that called, and only a string', () => {
    const { host, frame, frameWindow } = launchRig();
    const t = fakeTransport();
    attachScormHost(frame, { origin: CONTENT, moduleId: 'course', transport: t.transport });
    host.deliver(message({ activity: 'sco_7' }), frameWindow);
    host.deliver(message({ activity: { id: 'x' } }), frameWindow);
    host.deliver(message(), frameWindow);
    expect(t.events.map((e) => e.attributes[ATTR_SCORM_ACTIVITY_ID])).toEqual([
      'sco_7',
      undefined,
      undefined,
    ]);
  });

  it('gives every launch its own attempt id', () => {
    const a = attachScormHost(launchRig().frame, {
      origin: CONTENT,
      moduleId: 'm',
      transport: fakeTransport().transport,
    });
    const b = attachScormHost(launchRig().frame, {
      origin: CONTENT,
      moduleId: 'm',
      transport: fakeTransport().transport,
    });
    expect(a.attemptId).not.toBe(b.attemptId);
    a.destroy();
    b.destroy();
  });

  it('takes messages only from its frame’s window: not the page, another frame, or none', () => {
    const { host, frame, frameWindow } = launchRig();
    const t = fakeTransport();
    const handle = attachScormHost(frame, { origin: CONTENT, moduleId: 'm', transport: t.transport });
    const other = launchRig().frameWindow;
    host.deliver(message(), other);
    host.deliver(message(), host);
    host.deliver(message(), null);
    // The frame's window, but from another origin (the frame navigated elsewhere): not the launch frame's.
    host.deliver(message(), frameWindow, 'https://elsewhere.example');
    expect(t.events).toEqual([]);
    expect([handle.calls, handle.dropped]).toEqual([0, 0]);
    handle.destroy();
  });

  it('drops and counts malformed messages, and ignores messages of other types', () => {
    const { host, frame, frameWindow } = launchRig();
    const t = fakeTransport();
    const handle = attachScormHost(frame, { origin: CONTENT, moduleId: 'm', transport: t.transport });
    const malformed = [
      message({ v: 2 }),
      message({ call: 'LMSSetValue' }),
      message({ call: 'initialize', snapshot: 'completed' }),
      message({ snapshot: null }),
      message({}, { version: '1.3' }),
      message({}, { completionStatus: 'done' }),
      message({}, { completionStatus: 'not attempted' }),
      message({}, { successStatus: undefined }),
      message({}, { lessonStatus: 'excellent' }),
      message({}, { scoreScaled: 1.5 }),
      message({}, { scoreScaled: '0.5' }),
      message({}, { scoreScaled: Number.NaN }),
      message({}, { sessionTimeS: -1 }),
      message({}, { sessionTimeS: 1e12 }),
      message({}, { location: 'x'.repeat(257) }),
      message({}, { location: 42 }),
    ];
    for (const m of malformed) host.deliver(m, frameWindow);
    for (const m of [null, 'coursecast.scorm', 42, { type: 'other' }, { hello: 1 }])
      host.deliver(m, frameWindow);
    expect(t.events).toEqual([]);
    expect(handle.dropped).toBe(malformed.length);
    expect(handle.calls).toBe(0);
    // Unknown extra fields are not malformed, and are not passed on.
    host.deliver(message({ extra: 1 }, { lessonStatus: undefined, secret: 'x' }), frameWindow);
    expect(handle.calls).toBe(1);
    expect(JSON.stringify(t.events)).not.toContain('secret');
    handle.destroy();
  });

  it('takes the edition from the options when a message does not say', () => {
    const { host, frame, frameWindow } = launchRig();
    const t = fakeTransport();
    const handle = attachScormHost(frame, {
      origin: CONTENT,
      moduleId: 'm',
      version: '1.2',
      transport: t.transport,
    });
    host.deliver(message({}, { version: undefined }), frameWindow);
    expect(t.events[0]!.attributes[ATTR_SCORM_VERSION]).toBe('1.2');
    const bare = attachScormHost(frame, { origin: CONTENT, moduleId: 'm', transport: t.transport });
    handle.destroy();
    host.deliver(message({}, { version: undefined }), frameWindow);
    expect([bare.calls, bare.dropped]).toEqual([0, 1]);
    bare.destroy();
  });

  it('never throws into the page: a failing callback or transport is counted, and later calls still record', () => {
    const { host, frame, frameWindow } = launchRig();
    const t = fakeTransport();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const handle = attachScormHost(frame, {
      origin: CONTENT,
      moduleId: 'm',
      transport: t.transport,
      onCall: () => {
        throw new Error('page bug');
      },
    });
    host.deliver(message(), frameWindow);
    expect(t.events).toHaveLength(1);
    t.transport.event = () => {
      throw new Error('transport down');
    };
    host.deliver(message(), frameWindow);
    expect(warn).toHaveBeenCalledTimes(2);
    handle.destroy();
  });

  it('stops listening on destroy, and on pagehide after sending what is queued', () => {
    const { host, frame, frameWindow } = launchRig();
    const t = fakeTransport();
    const handle = attachScormHost(frame, { origin: CONTENT, moduleId: 'm', transport: t.transport });
    expect(host.listenerCount()).toBe(2);
    host.fire('pagehide');
    expect(t.transport.flush).toHaveBeenCalledWith('unload');
    expect(host.listenerCount()).toBe(0);
    // The caller's transport stays the caller's.
    expect(t.transport.destroy).not.toHaveBeenCalled();
    host.deliver(message(), frameWindow);
    expect(handle.calls).toBe(0);
    handle.destroy();
  });

  it('sends through a transport of its own when given none, and ends it on destroy', async () => {
    vi.useFakeTimers();
    const http = fakeFetch();
    vi.stubGlobal('fetch', http.fetch);
    const { host, frame, frameWindow } = launchRig();
    const handle = attachScormHost(frame, {
      origin: CONTENT,
      moduleId: 'm',
      endpoint: 'https://learn.example/v1/logs',
    });
    host.deliver(message({ call: 'finish' }), frameWindow);
    await vi.advanceTimersByTimeAsync(0);
    expect(http.calls.map((c) => c.url)).toEqual(['https://learn.example/v1/logs']);
    expect(namesIn(http.calls[0]!.json)).toEqual([PLAYBACK_EVENTS.scormCall]);
    host.deliver(message({ call: 'commit' }), frameWindow);
    handle.destroy();
    await vi.advanceTimersByTimeAsync(0);
    // Destroying its own transport sends the commit at once rather than after the batch period.
    expect(http.calls).toHaveLength(2);
  });
});

describe('the SCORM API in the launch frame', () => {
  it('offers the package’s edition and posts its calls to the learner’s page origin, which records them', () => {
    const { frame, frameWindow } = launchRig();
    const t = fakeTransport();
    const handle = attachScormHost(frame, { origin: CONTENT, moduleId: 'm', transport: t.transport });
    const reads: number[] = [];
    installScormFrame(frameWindow, { version: '1.2', appOrigin: APP, onApiRead: () => reads.push(1) });
    const { API } = frameWindow.apis;
    expect(reads).toHaveLength(1);
    expect(frameWindow.API_1484_11).toBeUndefined();
    expect(API.LMSInitialize!('')).toBe('true');
    expect(API.LMSSetValue!('cmi.core.lesson_status', 'failed')).toBe('true');
    expect(API.LMSSetValue!('cmi.core.score.raw', '30')).toBe('true');
    expect(API.LMSFinish!('')).toBe('true');
    expect(frameWindow.posted.map((p) => p.targetOrigin)).toEqual([APP, APP]);
    expect((frameWindow.posted[1]!.message as ScormMessage).call).toBe('finish');
    expect(t.events.map((e) => e.attributes[ATTR_SCORM_CALL])).toEqual(['initialize', 'finish']);
    expect(t.events[1]!.attributes).toMatchObject({
      [ATTR_SCORM_VERSION]: '1.2',
      [ATTR_SCORM_COMPLETION_STATUS]: 'completed',
      [ATTR_SCORM_SUCCESS_STATUS]: 'failed',
      [ATTR_SCORM_LESSON_STATUS]: 'failed',
      [ATTR_SCORM_SCORE_SCALED]: 0.3,
    });
    handle.destroy();
  });

  it('posts at most its bound of messages, but always the finish', () => {
    const { frameWindow } = launchRig();
    installScormFrame(frameWindow, { version: '2004', appOrigin: APP, maxMessages: 3 });
    const api = frameWindow.apis.API_1484_11;
    expect(api.Initialize!('')).toBe('true');
    for (let i = 0; i < 1000; i++) api.Commit!('');
    expect(api.Terminate!('')).toBe('true');
    expect(frameWindow.posted.map((p) => (p.message as ScormMessage).call)).toEqual([
      'initialize',
      'commit',
      'commit',
      'finish',
    ]);
  });
});
