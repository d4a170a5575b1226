// The navigation elements of a multi-SCO SCORM 2004 launch (RTE 4.4): `adl.nav.request_valid.*` answered by
// the course's sequencer, and a choice or jump request refused when it names no activity of the course.
import type { NavRequest } from './sequencing/sequencer.js';

/** What the runtime asks the course's sequencer. */
export interface ScormNavigation {
  exists(id: string): boolean;
  isValid(request: NavRequest): boolean;
}

const VALID = /^adl\.nav\.request_valid\.(continue|previous)$/;
const VALID_TARGET = /^adl\.nav\.request_valid\.(choice|jump)\.\{target=(\S+)\}$/;
const TARGET_REQUEST = /^\{target=(\S+)\}(?:choice|jump)$/;

/** The answer to a GetValue of a navigation element, or undefined when `element` is not one. */
export function navigationValue(element: string, nav: ScormNavigation): string | undefined {
  const flow = VALID.exec(element);
  if (flow) return String(nav.isValid({ kind: flow[1] as 'continue' | 'previous' }));
  const target = VALID_TARGET.exec(element);
  if (target) return String(nav.isValid({ kind: target[1] as 'choice' | 'jump', target: target[2] ?? '' }));
  return undefined;
}

/** Why SetValue("adl.nav.request", value) is refused (a target that is no activity), or undefined. */
export function navigationRefusal(value: string, nav: ScormNavigation): string | undefined {
  const target = TARGET_REQUEST.exec(value)?.[1];
  if (target === undefined || nav.exists(target)) return undefined;
  return `adl.nav.request: the course has no activity "${target}"`;
}
