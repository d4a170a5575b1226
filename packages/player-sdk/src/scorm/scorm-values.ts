// Value checks of the SCORM data model types, and the parsing of the two editions' durations. A check answers
// the error kind of a value it refuses, or undefined.
import { ERRORS, type ErrorKind } from './scorm-errors.js';

export type Check = (v: string) => ErrorKind | undefined;

/** Every value is capped, so a runaway package cannot grow the page's memory (the SPMs are minimums). */
export const DEFAULT_MAX_CHARS = 4000;

const T = ERRORS.typeMismatch;

/** A string of at most `max` characters. */
export const text =
  (max = DEFAULT_MAX_CHARS): Check =>
  (v) =>
    v.length > max ? T : undefined;

/** One of `words`. */
export const oneOf =
  (...words: string[]): Check =>
  (v) =>
    words.includes(v) ? undefined : T;

/** A string matching `re`, of at most `max` characters. */
export const matching =
  (re: RegExp, max = DEFAULT_MAX_CHARS): Check =>
  (v) =>
    v.length <= max && re.test(v) ? undefined : T;

// CMIDecimal / real(10,7): digits with an optional fraction; no exponent, no infinity.
const DECIMAL = /^-?\d{1,10}(\.\d{1,18})?$/;

/** A decimal number in [min, max]; `blank` also takes "" (1.2's CMIBlank). Out of range: `outOfRange`. */
export const decimal =
  (min = -1e10, max = 1e10, blank = false): Check =>
  (v) => {
    if (blank && v === '') return undefined;
    if (!DECIMAL.test(v)) return T;
    return +v < min || +v > max ? ERRORS.outOfRange : undefined;
  };

/** An integer in [min, max] (1.2's CMISInteger). */
export const integer =
  (min: number, max: number): Check =>
  (v) =>
    /^-?\d{1,6}$/.test(v) ? (+v < min || +v > max ? ERRORS.outOfRange : undefined) : T;

/** Passes when any of `checks` passes; else the first one's error. */
export const either =
  (...checks: Check[]): Check =>
  (v) => {
    const errors = checks.map((c) => c(v));
    return errors.includes(undefined) ? undefined : errors[0];
  };

// 1.2 CMITimespan `HHHH:MM:SS.SS`. The spec allows two fraction digits; more are accepted, as content written
// against lenient LMSs sends them and refusing would lose the session time.
const TIMESPAN_12 = /^(\d{2,4}):(\d{2}):(\d{2}(?:\.\d+)?)$/;
// 2004 timeinterval (ISO 8601 duration): at least one component, and a `T` only before a time component.
const DURATION_2004 =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** 1.2 CMITimespan (session_time, latency). */
export const timespan12 = matching(TIMESPAN_12, 32);
/** 1.2 CMITime `HH:MM:SS.SS` (interaction time). */
export const time12 = matching(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$/, 16);
/** 2004 timeinterval (session_time, latency). */
export const duration2004 = matching(DURATION_2004, 64);
/** 2004 time: an ISO 8601 date-time, from a year down to hundredths of seconds, with an optional zone. */
export const time2004 = matching(
  /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?)?)?$/,
  64,
);

/** Seconds of a 1.2 CMITimespan, or undefined when it is not one. */
export function timespan12Seconds(v: string | undefined): number | undefined {
  const m = v === undefined ? null : TIMESPAN_12.exec(v);
  return m ? +m[1]! * 3600 + +m[2]! * 60 + +m[3]! : undefined;
}

/**
 * Seconds of a 2004 timeinterval, or undefined when it is not one. ISO 8601 leaves a year's and a month's length
 * open; a year is taken as 365 days and a month as 30, as no package reports a session that long in earnest.
 */
export function duration2004Seconds(v: string | undefined): number | undefined {
  const m = v === undefined ? null : DURATION_2004.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => +(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return ((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + s;
}

/** The number of a decimal string, or undefined. */
export function decimalValue(v: string | undefined): number | undefined {
  return v !== undefined && DECIMAL.test(v) ? +v : undefined;
}
