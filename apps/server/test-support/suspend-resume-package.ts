// A SCORM 2004 module that suspends on its first launch and finishes on the next, as a long module left halfway
// does: it shows what the LMS gave it back (`cmi.entry`, `cmi.suspend_data`, `cmi.location`) in `#seen` and in
// `window.lessonSeen`, so a test reads what the module itself saw.
import { scormFiles, zipFiles } from '../src/cli/sample-scorm.js';

const LESSON_JS = `
(function () {
  function findApi(w) {
    for (var i = 0; i < 10 && w; i++) {
      try { if (w.API_1484_11) return w.API_1484_11; } catch (e) { return null; }
      if (w.parent === w) break;
      w = w.parent;
    }
    return null;
  }
  window.addEventListener('DOMContentLoaded', function () {
    var api = findApi(window.parent);
    if (!api) return;
    api.Initialize('');
    var seen = {
      entry: api.GetValue('cmi.entry'),
      suspendData: api.GetValue('cmi.suspend_data'),
      location: api.GetValue('cmi.location'),
      learnerId: api.GetValue('cmi.learner_id'),
      totalTime: api.GetValue('cmi.total_time')
    };
    window.lessonSeen = seen;
    var out = document.createElement('pre');
    out.id = 'seen';
    out.textContent = JSON.stringify(seen);
    document.body.appendChild(out);
    if (seen.entry !== 'resume') {
      api.SetValue('cmi.suspend_data', 'page=3;q1=b');
      api.SetValue('cmi.location', 'p3');
      api.SetValue('cmi.completion_status', 'incomplete');
      api.SetValue('cmi.exit', 'suspend');
      api.SetValue('cmi.session_time', 'PT20S');
      api.Commit('');
      api.Terminate('');
    } else {
      api.SetValue('cmi.completion_status', 'completed');
      api.SetValue('cmi.success_status', 'passed');
      api.SetValue('cmi.score.scaled', '0.85');
      api.SetValue('cmi.exit', 'normal');
      api.SetValue('cmi.session_time', 'PT10S');
      api.Terminate('');
    }
    document.body.dataset.done = 'yes';
  });
})();
`;

/** The module's zip. */
export function suspendResumeScorm2004(): Promise<Buffer> {
  return zipFiles(scormFiles('2004', { 'js/lesson.js': LESSON_JS }));
}
