// The SCORM 1.2 CMI data model (RTE 3.4): every element of the spec, its access, type and default.
import {
  SCORM_COMPLETION_STATUSES as C,
  SCORM_SESSION_TIME_MAX_S,
  SCORM_SUCCESS_STATUSES as S,
  SCORM_VERSIONS,
  type ScormLessonStatus,
} from '@coursecast/semconv/browser';
import { CODES_12, STRINGS_12 } from './scorm-errors.js';
import { ro, rw, wo, type DataModel } from './scorm-data.js';
import type { ScormSnapshot } from './scorm-message.js';
import { SCORM_LOCATION_MAX } from './scorm-message.js';
import {
  decimal,
  decimalValue,
  either,
  integer,
  matching,
  oneOf,
  text,
  time12,
  timespan12,
  timespan12Seconds,
} from './scorm-values.js';

/** The learner, as the launch knows them (the API's read-only elements). */
export interface LearnerInfo {
  learnerId?: string;
  learnerName?: string;
}

const STATUSES = ['passed', 'completed', 'failed', 'incomplete', 'browsed'];
// A SCO may not set "not attempted" (RTE 3.4.4): only the LMS starts there.
const lessonStatus = oneOf(...STATUSES);
// CMIDecimal scores are normalized to 0..100 in 1.2; "" (CMIBlank) clears one.
const score = decimal(0, 100, true);
// CMIIdentifier forbids spaces, but packages send ids with them; refusing would only break their quizzes.
const identifier = matching(/^[\s\S]{1,255}$/);

function elements(learner: LearnerInfo) {
  return {
    'cmi._version': ro('3.4'),
    'cmi.core.student_id': ro(learner.learnerId ?? ''),
    'cmi.core.student_name': ro(learner.learnerName ?? ''),
    'cmi.core.lesson_location': rw(text(255), ''),
    'cmi.core.credit': ro('credit'),
    'cmi.core.lesson_status': rw(lessonStatus, 'not attempted'),
    // Nothing is kept between launches, so every launch starts afresh.
    'cmi.core.entry': ro('ab-initio'),
    'cmi.core.score.raw': rw(score, ''),
    'cmi.core.score.min': rw(score, ''),
    'cmi.core.score.max': rw(score, ''),
    'cmi.core.total_time': ro('0000:00:00'),
    'cmi.core.lesson_mode': ro('normal'),
    'cmi.core.exit': wo(oneOf('time-out', 'suspend', 'logout', '')),
    'cmi.core.session_time': wo(timespan12),
    'cmi.suspend_data': rw(text(4096), ''),
    'cmi.launch_data': ro(''),
    'cmi.comments': rw(text(4096), ''),
    'cmi.comments_from_lms': ro(''),
    'cmi.objectives.n.id': rw(identifier, ''),
    'cmi.objectives.n.score.raw': rw(score, ''),
    'cmi.objectives.n.score.min': rw(score, ''),
    'cmi.objectives.n.score.max': rw(score, ''),
    'cmi.objectives.n.status': rw(oneOf(...STATUSES, 'not attempted'), 'not attempted'),
    'cmi.student_data.mastery_score': ro(''),
    'cmi.student_data.max_time_allowed': ro(''),
    'cmi.student_data.time_limit_action': ro(''),
    'cmi.student_preference.audio': rw(integer(-1, 100), '0'),
    'cmi.student_preference.language': rw(text(255), ''),
    'cmi.student_preference.speed': rw(integer(-100, 100), '0'),
    'cmi.student_preference.text': rw(integer(-1, 1), '0'),
    'cmi.interactions.n.id': wo(identifier),
    'cmi.interactions.n.objectives.n.id': wo(identifier),
    'cmi.interactions.n.time': wo(time12),
    'cmi.interactions.n.type': wo(
      oneOf('true-false', 'choice', 'fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric'),
    ),
    'cmi.interactions.n.correct_responses.n.pattern': wo(text(255)),
    'cmi.interactions.n.weighting': wo(decimal()),
    'cmi.interactions.n.student_response': wo(text(255)),
    'cmi.interactions.n.result': wo(either(oneOf('correct', 'wrong', 'unanticipated', 'neutral'), decimal())),
    'cmi.interactions.n.latency': wo(timespan12),
  };
}

const CHILDREN = {
  'cmi.core':
    'student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time',
  'cmi.core.score': 'raw,min,max',
  'cmi.objectives': 'id,score,status',
  'cmi.objectives.n.score': 'raw,min,max',
  'cmi.student_data': 'mastery_score,max_time_allowed,time_limit_action',
  'cmi.student_preference': 'audio,language,speed,text',
  'cmi.interactions': 'id,objectives,time,type,correct_responses,weighting,student_response,result,latency',
};

const ARRAYS = {
  'cmi.objectives': '',
  'cmi.interactions': '',
  'cmi.interactions.n.objectives': '',
  'cmi.interactions.n.correct_responses': '',
};

/**
 * The status of a 1.2 launch. lesson_status maps onto 2004's two statuses: passed, completed and failed are
 * completed (a failed learner finished the lesson); incomplete is incomplete; browsed and not attempted are
 * not_attempted (browse mode is a look without credit). Success is passed or failed, else unknown. The score is
 * (raw − min) / (max − min), with 1.2's 0 and 100 standing in for a missing min or max.
 */
export function snapshot12(read: (element: string) => string | undefined): ScormSnapshot {
  const ls = read('cmi.core.lesson_status') ?? 'not attempted';
  const done = ls === 'passed' || ls === 'completed' || ls === 'failed';
  const out: ScormSnapshot = {
    version: SCORM_VERSIONS.scorm12,
    completionStatus: done ? C.completed : ls === 'incomplete' ? C.incomplete : C.notAttempted,
    successStatus: ls === 'passed' ? S.passed : ls === 'failed' ? S.failed : S.unknown,
    lessonStatus: ls.replace(' ', '_') as ScormLessonStatus,
  };
  const raw = decimalValue(read('cmi.core.score.raw'));
  const min = decimalValue(read('cmi.core.score.min')) ?? 0;
  const max = decimalValue(read('cmi.core.score.max')) ?? 100;
  const scaled = raw === undefined || max <= min ? undefined : (raw - min) / (max - min);
  // A raw score outside min..max (the package's own inconsistency) has no place on the -1..1 scale.
  if (scaled !== undefined && scaled >= -1 && scaled <= 1) out.scoreScaled = scaled;
  const time = timespan12Seconds(read('cmi.core.session_time'));
  if (time !== undefined && time <= SCORM_SESSION_TIME_MAX_S) out.sessionTimeS = time;
  const location = read('cmi.core.lesson_location');
  if (location) out.location = location.slice(0, SCORM_LOCATION_MAX);
  return out;
}

/** The SCORM 1.2 data model, with the learner's id and name. */
export function scorm12Model(learner: LearnerInfo = {}): DataModel {
  return {
    version: SCORM_VERSIONS.scorm12,
    codes: CODES_12,
    strings: STRINGS_12,
    elements: new Map(Object.entries(elements(learner))),
    children: new Map(Object.entries(CHILDREN)),
    arrays: new Map(Object.entries(ARRAYS)),
    snapshot: snapshot12,
  };
}
