// The attributes of a `content.scorm_call` event. Apart from the host (and free of the DOM) so the server's
// ingest test checks exactly what the launch page sends.
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
} from '@coursecast/semconv/browser';
import type { Attrs } from '../sdk-types.js';
import type { ScormMessage } from './scorm-message.js';

/** What a launch knows of itself. */
export interface ScormLaunch {
  moduleId: string;
  courseId?: string;
  attributes?: Attrs;
}

/** The attributes every call of a launch carries: the page's own, the module, the course and the attempt. */
export function scormLaunchAttributes(launch: ScormLaunch, attemptId: string): Attrs {
  const a: Attrs = { ...launch.attributes };
  // The server makes a view of any event with a view id, and refuses one on this event: never pass one on.
  delete a[ATTR_VIEW_ID];
  a[ATTR_MODULE_ID] = launch.moduleId;
  a[ATTR_SCORM_ATTEMPT_ID] = attemptId;
  if (launch.courseId) a[ATTR_CONTENT_COURSE_ID] = launch.courseId;
  return a;
}

/** A call's attributes: the launch's, the call and the status it reported (never the bookmark). */
export function scormCallAttributes(launch: Attrs, m: ScormMessage): Attrs {
  const s = m.snapshot;
  const a: Attrs = {
    ...launch,
    [ATTR_SCORM_CALL]: m.call,
    [ATTR_SCORM_VERSION]: s.version,
    [ATTR_SCORM_COMPLETION_STATUS]: s.completionStatus,
    [ATTR_SCORM_SUCCESS_STATUS]: s.successStatus,
  };
  if (s.lessonStatus) a[ATTR_SCORM_LESSON_STATUS] = s.lessonStatus;
  if (s.scoreScaled !== undefined) a[ATTR_SCORM_SCORE_SCALED] = s.scoreScaled;
  if (s.sessionTimeS !== undefined) a[ATTR_SCORM_SESSION_TIME_S] = s.sessionTimeS;
  if (m.activity) a[ATTR_SCORM_ACTIVITY_ID] = m.activity;
  return a;
}
