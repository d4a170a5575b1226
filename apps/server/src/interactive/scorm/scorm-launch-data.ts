// What a launched item gives the SCORM runtime at launch, read from its manifest elements: 1.2's adlcp elements,
// 2004's adlcp and imsss ones. Values the runtime would not accept are left out.
import { PACKAGE_TYPES } from '@coursecast/semconv';
import type { ScormVersion } from './scorm-manifest.js';
import { attr, child, children, textOf, type XmlNode } from './scorm-xml.js';

const decimalIn =
  (min: number, max: number) =>
  (v: string): boolean =>
    /^-?\d+(\.\d+)?$/.test(v) && Number(v) >= min && Number(v) <= max;
const TIME_LIMIT_ACTIONS = ['exit,message', 'exit,no message', 'continue,message', 'continue,no message'];
const isTimeLimitAction = (v: string): boolean => TIME_LIMIT_ACTIONS.includes(v);

/** The launched item's launch data (ScormManifest.launchData): 1.2's adlcp elements, 2004's adlcp and imsss. */
export function launchDataOf(
  item: XmlNode,
  type: ScormVersion,
  sequencing: XmlNode | undefined = child(item, 'sequencing'),
): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (element: string, value: string | null, valid: (v: string) => boolean = () => true): void => {
    if (value !== null && value.length <= 4096 && valid(value)) out[element] = value;
  };
  if (type === PACKAGE_TYPES.scorm12) {
    put('cmi.launch_data', textOf(item.datafromlms));
    put('cmi.student_data.mastery_score', textOf(item.masteryscore), decimalIn(0, 100));
    put('cmi.student_data.max_time_allowed', textOf(item.maxtimeallowed));
    put('cmi.student_data.time_limit_action', textOf(item.timelimitaction), isTimeLimitAction);
    return out;
  }
  put('cmi.launch_data', textOf(item.dataFromLMS));
  put('cmi.time_limit_action', textOf(item.timeLimitAction), isTimeLimitAction);
  // 4th edition puts the threshold in an attribute, 3rd edition in the element's text.
  const threshold =
    attr(child(item, 'completionThreshold'), 'minProgressMeasure') ?? textOf(item.completionThreshold);
  put('cmi.completion_threshold', threshold, decimalIn(0, 1));
  put('cmi.max_time_allowed', attr(child(sequencing, 'limitConditions'), 'attemptAbsoluteDurationLimit'));
  const primary = primaryObjectiveOf(sequencing);
  if (attr(primary, 'satisfiedByMeasure') === 'true') {
    put('cmi.scaled_passing_score', textOf(primary?.minNormalizedMeasure) ?? '1.0', decimalIn(-1, 1));
  }
  return out;
}

/** imsss:primaryObjective: the `<objectives>` holding it (adlseq's own `<objectives>` shares the local name). */
export function primaryObjectiveOf(sequencing: XmlNode | undefined): XmlNode | undefined {
  for (const objectives of children(sequencing, 'objectives')) {
    const primary = child(objectives, 'primaryObjective');
    if (primary) return primary;
  }
  return undefined;
}
