// The SCORM 2004 (4th edition) CMI data model (RTE 4.2), and the navigation request of adl.nav (RTE 4.4).
import {
  SCORM_COMPLETION_STATUSES as C,
  SCORM_SESSION_TIME_MAX_S,
  SCORM_VERSIONS,
  type ScormCompletionStatus,
  type ScormSuccessStatus,
} from '@coursecast/semconv/browser';
import { CODES_2004, STRINGS_2004 } from './scorm-errors.js';
import { ro, rw, wo, type DataModel } from './scorm-data.js';
import type { LearnerInfo } from './scorm12-model.js';
import { SCORM_LOCATION_MAX, type ScormSnapshot } from './scorm-message.js';
import {
  decimal,
  decimalValue,
  duration2004,
  duration2004Seconds,
  either,
  matching,
  oneOf,
  text,
  time2004,
} from './scorm-values.js';

const completion = oneOf('completed', 'incomplete', 'not attempted', 'unknown');
const success = oneOf('passed', 'failed', 'unknown');
const id = matching(/^[\s\S]{1,4000}$/);
const real = decimal();
const scaled = decimal(-1, 1);
const ratio = decimal(0, 1);
const NAV =
  /^(continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_|\{target=\S+\}(choice|jump))$/;

function elements(learner: LearnerInfo) {
  return {
    'cmi._version': ro('1.0'),
    'cmi.comments_from_learner.n.comment': rw(text()),
    'cmi.comments_from_learner.n.location': rw(text(250)),
    'cmi.comments_from_learner.n.timestamp': rw(time2004),
    // The LMS has no comments to give: the array stays empty.
    'cmi.comments_from_lms.n.comment': ro(),
    'cmi.comments_from_lms.n.location': ro(),
    'cmi.comments_from_lms.n.timestamp': ro(),
    'cmi.completion_status': rw(completion, 'unknown'),
    'cmi.completion_threshold': ro(),
    'cmi.credit': ro('credit'),
    // Nothing is kept between launches, so every launch starts afresh.
    'cmi.entry': ro('ab-initio'),
    'cmi.exit': wo(oneOf('time-out', 'suspend', 'logout', 'normal', '')),
    'cmi.interactions.n.id': rw(id),
    'cmi.interactions.n.type': rw(
      oneOf(
        'true-false',
        'choice',
        'fill-in',
        'long-fill-in',
        'likert',
        'matching',
        'performance',
        'sequencing',
        'numeric',
        'other',
      ),
    ),
    'cmi.interactions.n.objectives.n.id': rw(id),
    'cmi.interactions.n.timestamp': rw(time2004),
    'cmi.interactions.n.correct_responses.n.pattern': rw(text()),
    'cmi.interactions.n.weighting': rw(real),
    'cmi.interactions.n.learner_response': rw(text()),
    'cmi.interactions.n.result': rw(either(oneOf('correct', 'incorrect', 'unanticipated', 'neutral'), real)),
    'cmi.interactions.n.latency': rw(duration2004),
    'cmi.interactions.n.description': rw(text(250)),
    'cmi.launch_data': ro(),
    'cmi.learner_id': ro(learner.learnerId ?? ''),
    'cmi.learner_name': ro(learner.learnerName ?? ''),
    'cmi.learner_preference.audio_level': rw(decimal(0), '1'),
    'cmi.learner_preference.language': rw(matching(/^([a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*)?$/, 250), ''),
    'cmi.learner_preference.delivery_speed': rw(decimal(0), '1'),
    'cmi.learner_preference.audio_captioning': rw(oneOf('-1', '0', '1'), '0'),
    'cmi.location': rw(text()),
    'cmi.max_time_allowed': ro(),
    'cmi.mode': ro('normal'),
    'cmi.objectives.n.id': rw(id),
    'cmi.objectives.n.score.scaled': rw(scaled),
    'cmi.objectives.n.score.raw': rw(real),
    'cmi.objectives.n.score.min': rw(real),
    'cmi.objectives.n.score.max': rw(real),
    'cmi.objectives.n.success_status': rw(success, 'unknown'),
    'cmi.objectives.n.completion_status': rw(completion, 'unknown'),
    'cmi.objectives.n.progress_measure': rw(ratio),
    'cmi.objectives.n.description': rw(text(250)),
    'cmi.progress_measure': rw(ratio),
    'cmi.scaled_passing_score': ro(),
    'cmi.score.scaled': rw(scaled),
    'cmi.score.raw': rw(real),
    'cmi.score.min': rw(real),
    'cmi.score.max': rw(real),
    'cmi.session_time': wo(duration2004),
    'cmi.success_status': rw(success, 'unknown'),
    'cmi.suspend_data': rw(text(64000)),
    'cmi.time_limit_action': ro('continue,no message'),
    'cmi.total_time': ro('PT0H0M0S'),
    // A single-SCO launch has no sequencing: requests are taken and ignored, and none is known to be valid.
    'adl.nav.request': rw(matching(NAV, 4000), '_none_'),
    'adl.nav.request_valid.continue': ro('unknown'),
    'adl.nav.request_valid.previous': ro('unknown'),
  };
}

const SCORE = 'scaled,raw,min,max';
const CHILDREN = {
  'cmi.comments_from_learner': 'comment,location,timestamp',
  'cmi.comments_from_lms': 'comment,location,timestamp',
  'cmi.interactions':
    'id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description',
  'cmi.learner_preference': 'audio_level,language,delivery_speed,audio_captioning',
  'cmi.objectives': 'id,score,success_status,completion_status,progress_measure,description',
  'cmi.objectives.n.score': SCORE,
  'cmi.score': SCORE,
};

const ARRAYS = {
  'cmi.comments_from_learner': '',
  'cmi.comments_from_lms': '',
  'cmi.interactions': 'id',
  'cmi.interactions.n.objectives': 'id',
  'cmi.interactions.n.correct_responses': '',
  'cmi.objectives': 'id',
};

/** The status of a 2004 launch: its completion and success statuses, scaled score and session time as set. */
export function snapshot2004(read: (element: string) => string | undefined): ScormSnapshot {
  const completionStatus = (read('cmi.completion_status') ?? C.unknown).replace(' ', '_');
  const out: ScormSnapshot = {
    version: SCORM_VERSIONS.scorm2004,
    completionStatus: completionStatus as ScormCompletionStatus,
    successStatus: (read('cmi.success_status') ?? 'unknown') as ScormSuccessStatus,
  };
  const score = decimalValue(read('cmi.score.scaled'));
  if (score !== undefined) out.scoreScaled = score;
  const time = duration2004Seconds(read('cmi.session_time'));
  if (time !== undefined && time <= SCORM_SESSION_TIME_MAX_S) out.sessionTimeS = time;
  const location = read('cmi.location');
  if (location) out.location = location.slice(0, SCORM_LOCATION_MAX);
  return out;
}

/**
 * The statuses as the LMS reports them (RTE 4.2.4.1, 4.2.22.1): with a completion threshold, completion follows
 * the progress measure (unknown without one); with a scaled passing score, success follows the scaled score
 * (unknown without one), whatever the SCO set.
 */
export function derive2004(
  element: string,
  stored: (element: string) => string | undefined,
): string | undefined {
  const against = (threshold: string | undefined, measure: string | undefined, yes: string, no: string) => {
    if (threshold === undefined) return undefined;
    if (measure === undefined) return 'unknown';
    return Number(measure) >= Number(threshold) ? yes : no;
  };
  if (element === 'cmi.completion_status') {
    return against(
      stored('cmi.completion_threshold'),
      stored('cmi.progress_measure'),
      'completed',
      'incomplete',
    );
  }
  if (element === 'cmi.success_status') {
    return against(stored('cmi.scaled_passing_score'), stored('cmi.score.scaled'), 'passed', 'failed');
  }
  return undefined;
}

/** The SCORM 2004 data model, with the learner's id and name. */
export function scorm2004Model(learner: LearnerInfo = {}): DataModel {
  return {
    version: SCORM_VERSIONS.scorm2004,
    codes: CODES_2004,
    strings: STRINGS_2004,
    elements: new Map(Object.entries(elements(learner))),
    children: new Map(Object.entries(CHILDREN)),
    arrays: new Map(Object.entries(ARRAYS)),
    snapshot: snapshot2004,
    derive: derive2004,
  };
}
