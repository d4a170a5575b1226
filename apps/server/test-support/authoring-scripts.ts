// The JavaScript files of the authoring-tool packages (authoring-packages.ts), as the tools ship them: a SCORM
// wrapper library plus a small course script per package. Plain ES5 in strings, because that is what runs in
// the learner's browser, untouched by our build; each file is checked to parse by authoring-packages.test.ts.

/** Which SCORM edition a package's scripts speak. */
export type AuthoringScormVersion = '1.2' | '2004';

/**
 * The API wrapper every SCORM package here loads as `scripts/apiwrapper.js` (or `shared/apiwrapper.js`).
 * Discovery is Rustici's GetAPI/ScanForAPI as pipwerks 2012 ships it: the parent first, never the own
 * window, up to 500 parents, then `window.top.opener`; no try/catch anywhere, because the real code has none
 * and a host that puts a cross-origin window in that chain must break it the same way here.
 * Every call, its result and the GetLastError after it go to `window.lessonLog` as `Name("arg") -> result`.
 */
export const API_WRAPPER_JS = `/* SCORM API wrapper: LMS discovery as in Rustici's GetAPI and pipwerks (2012). */
var ScormWrapper = (function () {
  var NAMES = {
    '1.2': { key: 'API', initialize: 'LMSInitialize', getValue: 'LMSGetValue', setValue: 'LMSSetValue',
      commit: 'LMSCommit', finish: 'LMSFinish', lastError: 'LMSGetLastError' },
    '2004': { key: 'API_1484_11', initialize: 'Initialize', getValue: 'GetValue', setValue: 'SetValue',
      commit: 'Commit', finish: 'Terminate', lastError: 'GetLastError' }
  };
  var findAPITries = 0;
  window.lessonLog = window.lessonLog || [];

  function log(line) {
    window.lessonLog.push(line);
  }

  function scanForAPI(win, key) {
    while (win[key] == null && win.parent != null && win.parent != win) {
      findAPITries++;
      if (findAPITries > 500) {
        log('error finding API: too deeply nested');
        return null;
      }
      win = win.parent;
    }
    return win[key];
  }

  function getAPI(version) {
    var key = NAMES[version].key;
    var api = null;
    if (window.parent != null && window.parent != window) {
      api = scanForAPI(window.parent, key);
    }
    if (api == null && window.top && window.top.opener != null) {
      api = scanForAPI(window.top.opener, key);
    }
    log(api == null ? 'no ' + key + ' found' : key + ' found');
    return api == null ? null : api;
  }

  function session(version, api) {
    var n = NAMES[version];
    function call(name, args) {
      var text = name + '(' + args.map(function (a) { return JSON.stringify(a); }).join(', ') + ')';
      var result;
      try {
        result = api[name].apply(api, args);
      } catch (e) {
        log(text + ' threw ' + e);
        throw e;
      }
      log(text + ' -> ' + result);
      log(n.lastError + '() -> ' + api[n.lastError]());
      return result;
    }
    return {
      initialize: function () { return call(n.initialize, ['']); },
      getValue: function (element) { return call(n.getValue, [element]); },
      setValue: function (element, value) { return call(n.setValue, [element, String(value)]); },
      commit: function () { return call(n.commit, ['']); },
      finish: function () { return call(n.finish, ['']); }
    };
  }

  return { log: log, getAPI: getAPI, session: session };
})();
`;

/** The parent-first course script: one full session with the CMI values the brief lists, on DOMContentLoaded. */
export function parentFirstCourseJs(version: AuthoringScormVersion): string {
  const values =
    version === '1.2'
      ? `lms.setValue('cmi.core.lesson_status', 'completed');
    lms.setValue('cmi.core.score.raw', '85');
    lms.setValue('cmi.core.lesson_location', 'page-3');
    lms.setValue('cmi.suspend_data', 'abc');`
      : `lms.setValue('cmi.completion_status', 'completed');
    lms.setValue('cmi.success_status', 'passed');
    lms.setValue('cmi.score.scaled', '0.85');
    lms.setValue('cmi.score.raw', '85');
    lms.setValue('cmi.location', 'page-3');
    lms.setValue('cmi.suspend_data', 'abc');`;
  return `document.addEventListener('DOMContentLoaded', function () {
  var api = ScormWrapper.getAPI('${version}');
  if (api) {
    var lms = ScormWrapper.session('${version}', api);
    lms.initialize();
    ${values}
    lms.commit();
    lms.finish();
  }
  window.lessonDone = true;
});
`;
}

/**
 * The SCORM Driver's hidden frame (scormdriver/driver.js): owns the LMS session and offers the content
 * frame RecordScore/SetPassed/Finish, as Rustici's driver does for Storyline and Rise.
 */
export const DRIVER_JS = `/* SCORM Driver: the content frame calls these; only this frame talks to the LMS. */
var lms = null;
window.lessonLog = [];
window.driverReady = false;

function log(line) {
  window.lessonLog.push(line);
}

function findAPI(win) {
  var tries = 0;
  while (win.API == null && win.parent != null && win.parent != win) {
    tries++;
    if (tries > 500) return null;
    win = win.parent;
  }
  return win.API;
}

function call(name, args) {
  var result = lms[name].apply(lms, args);
  log(name + '(' + args.map(function (a) { return JSON.stringify(a); }).join(', ') + ') -> ' + result);
  log('LMSGetLastError() -> ' + lms.LMSGetLastError());
  return result;
}

function RecordScore(score) {
  log('content: RecordScore(' + score + ')');
  call('LMSSetValue', ['cmi.core.score.raw', String(score)]);
  call('LMSSetValue', ['cmi.core.score.min', '0']);
  call('LMSSetValue', ['cmi.core.score.max', '100']);
}

function SetPassed() {
  log('content: SetPassed()');
  call('LMSSetValue', ['cmi.core.lesson_status', 'passed']);
}

function Finish() {
  log('content: Finish()');
  call('LMSCommit', ['']);
  call('LMSFinish', ['']);
  window.lessonDone = true;
}

document.addEventListener('DOMContentLoaded', function () {
  lms = findAPI(window.parent);
  if (lms == null) {
    log('no API found');
    return;
  }
  call('LMSInitialize', ['']);
  window.driverReady = true;
});
`;

/** The Storyline-like content frame (scormcontent/lib/main.js): waits for the driver frame, then reports. */
export const CONTENT_FRAME_JS = `/* Course player: reports through the SCORM Driver in the sibling frame. */
window.contentLog = [];
function waitForDriver(tries) {
  var driver = parent.frames['driver'];
  if (driver && driver.driverReady === true) {
    window.contentLog.push('driver ready');
    driver.RecordScore(80);
    driver.SetPassed();
    driver.Finish();
    window.contentLog.push('reported');
    return;
  }
  if (tries > 200) {
    window.contentLog.push('driver never became ready');
    return;
  }
  setTimeout(function () { waitForDriver(tries + 1); }, 50);
}
window.addEventListener('load', function () { waitForDriver(0); });
`;

/** The worker package's SCO script: the LMS session starts only after the worker answers. */
export const WORKER_COURSE_JS = `document.addEventListener('DOMContentLoaded', function () {
  var worker;
  try {
    worker = new Worker('worker.js');
  } catch (e) {
    ScormWrapper.log('worker failed: ' + e.name);
    throw e;
  }
  worker.onerror = function (event) {
    ScormWrapper.log('worker error: ' + (event.message || 'unknown'));
  };
  worker.onmessage = function (event) {
    window.workerAnswer = event.data;
    ScormWrapper.log('worker answered ' + event.data);
    var api = ScormWrapper.getAPI('1.2');
    if (api) {
      var lms = ScormWrapper.session('1.2', api);
      lms.initialize();
      lms.setValue('cmi.core.lesson_status', 'completed');
      lms.setValue('cmi.suspend_data', 'worker:' + event.data);
      lms.commit();
      lms.finish();
    }
    window.lessonDone = true;
  };
  worker.postMessage(21);
});
`;

/** The worker itself: doubles the number it is sent. */
export const WORKER_JS = `self.onmessage = function (event) {
  self.postMessage(event.data * 2);
};
`;

/**
 * The external-assets SCO script: waits for the page and its web font, records whether the font loaded,
 * and starts the LMS session only if the CDN script ran (a page built on CDN jQuery breaks without it).
 * `fontFaces` (the statuses of the family's faces) is the telling one: Chromium's `fonts.check` is also true
 * when no face of the family exists at all, as when the stylesheet was blocked.
 */
export const EXTERNAL_COURSE_JS = `window.addEventListener('load', function () {
  function afterFonts() {
    window.fontLoaded = document.fonts.check('16px ExternalTestFont');
    window.fontFaces = [];
    document.fonts.forEach(function (face) {
      if (face.family.replace(/["']/g, '') === 'ExternalTestFont') window.fontFaces.push(face.status);
    });
    if (window.$$external !== true) {
      ScormWrapper.log('external script missing');
      return;
    }
    var api = ScormWrapper.getAPI('2004');
    if (api) {
      var lms = ScormWrapper.session('2004', api);
      lms.initialize();
      lms.setValue('cmi.completion_status', 'completed');
      lms.commit();
      lms.finish();
    }
    window.lessonDone = true;
  }
  document.fonts.load('16px ExternalTestFont').then(null, function () {}).then(function () {
    return document.fonts.ready;
  }).then(afterFonts);
});
`;

/**
 * The shared SCO script of the multi-SCO 2004 packages (shared/sco.js). What it reports comes from the
 * page's `<body>`: data-sco (its id), data-role (flow | content | test | stay: open until pagehide | suspend: suspends, then resumes), data-nav
 * (the nav request) and data-version (1.2 | 2004, default 2004; a 1.2 SCO completes and requests nothing).
 */
export const MULTI_SCO_JS = `document.addEventListener('DOMContentLoaded', function () {
  var body = document.body;
  var scoId = body.getAttribute('data-sco');
  var role = body.getAttribute('data-role');
  window.scoId = scoId;
  var version = body.getAttribute('data-version') || '2004';
  var api = ScormWrapper.getAPI(version);
  if (!api) return;
  var lms = ScormWrapper.session(version, api);
  lms.initialize();
  // Who the LMS says the learner is (empty when launched without one).
  window.learnerId = lms.getValue(version === '1.2' ? 'cmi.core.student_id' : 'cmi.learner_id');
  if (role === 'suspend') {
    // First visit: leaves mid-way and suspends the course; back again: reads where it was, and completes.
    if (lms.getValue('cmi.entry') === 'resume') {
      window.resumedWith = lms.getValue('cmi.suspend_data');
      lms.setValue('cmi.completion_status', 'completed');
      lms.finish();
      window.lessonDone = true;
      return;
    }
    lms.setValue('cmi.suspend_data', 'page=4');
    lms.setValue('cmi.exit', 'suspend');
    lms.setValue('adl.nav.request', 'suspendAll');
    lms.finish();
    window.suspended = true;
    return;
  }
  if (version === '1.2') {
    lms.setValue('cmi.core.lesson_status', 'completed');
  } else if (role === 'test') {
    lms.setValue('cmi.score.scaled', '0.9');
    lms.setValue('cmi.success_status', 'passed');
    lms.setValue('cmi.completion_status', 'completed');
  } else {
    lms.setValue('cmi.completion_status', 'completed');
    if (role === 'flow') lms.setValue('cmi.location', scoId);
  }
  if (role === 'stay') {
    // Like most content: stays open until the learner leaves, and terminates as the page goes.
    window.addEventListener('pagehide', function () { lms.finish(); });
    window.lessonDone = true;
    return;
  }
  lms.setValue('adl.nav.request', body.getAttribute('data-nav'));
  lms.finish();
  window.lessonDone = true;
});
`;

/** A SCO that finds the API but never initializes: a launch that starts and then says nothing. */
export const NEVER_INITIALIZES_JS = `document.addEventListener('DOMContentLoaded', function () {
  var api = ScormWrapper.getAPI('1.2');
  window.apiSeen = api != null;
});
`;

/** A SCO whose runtime crashes after load and never looks for an API. */
export const CRASHING_JS = `window.addEventListener('load', function () {
  throw new Error('authoring runtime crashed');
});
`;

/**
 * A SCO that probes the host: storage, the top's document, top navigation, a flood of forged host messages
 * and cookies, each in try/catch into `window.attempts`, around a normal session (status completed, raw
 * score 50: a host that believed the forged messages would show passed/100 instead).
 */
export const HOSTILE_JS = `document.addEventListener('DOMContentLoaded', function () {
  var attempts = (window.attempts = {});
  function attempt(name, fn) {
    try {
      attempts[name] = 'allowed: ' + String(fn());
    } catch (e) {
      attempts[name] = 'blocked: ' + (e && e.name ? e.name : String(e));
    }
  }
  var api = ScormWrapper.getAPI('1.2');
  var lms = api ? ScormWrapper.session('1.2', api) : null;
  if (lms) lms.initialize();
  attempt('top.sessionStorage', function () { return window.top.sessionStorage.getItem('coursecast.adminToken'); });
  attempt('top.localStorage', function () { return window.top.localStorage.length; });
  attempt('top.document.title', function () { return window.top.document.title; });
  attempt('document.cookie', function () { return JSON.stringify(document.cookie); });
  try {
    for (var i = 0; i < 1000; i++) {
      window.top.postMessage({ type: 'coursecast.scorm', v: 1, call: 'commit',
        snapshot: { status: 'passed', score: 100 } }, '*');
    }
    attempts['top.postMessage'] = 'sent 1000';
  } catch (e) {
    attempts['top.postMessage'] = 'blocked: ' + (e && e.name ? e.name : String(e));
  }
  if (lms) {
    lms.setValue('cmi.core.lesson_status', 'completed');
    lms.setValue('cmi.core.score.raw', '50');
    lms.commit();
    lms.finish();
  }
  // Last, so a host that lets it through still got the whole session first.
  attempt('top.location.href', function () {
    window.top.location.href = 'https://example.invalid/';
    return 'https://example.invalid/';
  });
  window.lessonDone = true;
});
`;
