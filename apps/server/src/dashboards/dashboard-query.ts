import { z } from 'zod';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Series are cut into about this many buckets when the caller does not say. */
const TARGET_BUCKETS = 60;
const NICE_BUCKETS_S = [10, 30, 60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400];

const time = z.union([
  z.coerce.number().int().min(0),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);
const filter = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits and . _ : - only')
  .optional();

/** The query string every panel takes: time range, bucket size and filters. */
export const DashboardQuerySchema = z
  .object({
    /** Epoch ms or ISO 8601; default: 24 hours before `to`. */
    from: time.optional(),
    /** Epoch ms or ISO 8601; default: now. */
    to: time.optional(),
    /** Bucket size in seconds; default: a round size giving about 60 buckets. */
    bucket: z.coerce.number().int().min(1).max(86_400).optional(),
    course: filter,
    item: filter,
    browser: filter,
    codec: filter,
    container: filter,
    plan: filter,
    cache: filter,
  })
  .strict();

/** A validated query, with the defaults applied. */
export interface DashboardQuery {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  filters: Partial<Record<'course' | 'item' | 'browser' | 'codec' | 'container' | 'plan' | 'cache', string>>;
}

/** Applies defaults and checks the range (from before to, at most a year, at most 2000 buckets). */
export function resolveQuery(
  input: z.infer<typeof DashboardQuerySchema>,
  nowMs: number,
): DashboardQuery | string {
  const toMs = input.to ?? nowMs;
  const fromMs = input.from ?? toMs - DAY;
  if (fromMs >= toMs) return '`from` must be before `to`';
  if (toMs - fromMs > 366 * DAY) return 'the time range is longer than a year';
  const span = toMs - fromMs;
  const bucketMs =
    input.bucket !== undefined
      ? input.bucket * 1000
      : (NICE_BUCKETS_S.find((s) => span / (s * 1000) <= TARGET_BUCKETS) ?? 86_400) * 1000;
  if (span / bucketMs > 2000)
    return `a ${bucketMs / 1000} s bucket gives more than 2000 buckets over this range`;
  const { course, item, browser, codec, container, plan, cache } = input;
  const filters = Object.fromEntries(
    Object.entries({ course, item, browser, codec, container, plan, cache }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as DashboardQuery['filters'];
  return { fromMs, toMs, bucketMs, filters };
}
