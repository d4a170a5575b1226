import { z } from 'zod';

/** `GET /healthz`, liveness: the process is up and its event loop answers. Says nothing of the stores. */
export const HealthResponseSchema = z.object({ status: z.literal('ok') });
/** A health answer. */
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** `GET /healthz` of a standalone edge (`coursecast edge`): liveness, its origin and its cache's size. */
export const EdgeHealthResponseSchema = HealthResponseSchema.extend({
  origin: z.string(),
  cache: z.object({ bytes: z.number(), objects: z.number(), capacity: z.number() }),
});
/** An edge's health answer. */
export type EdgeHealthResponse = z.infer<typeof EdgeHealthResponseSchema>;

/** What `GET /healthz/ready` checks on a server. */
export const READINESS_CHECK_NAMES = {
  /** The catalog database is open (not reopening after a fatal error). */
  catalogStore: 'catalog_store',
  /** The telemetry database is open (not reopening after a fatal error). */
  telemetryStore: 'telemetry_store',
  /** The data volume has more free space than its floor (`COURSECAST_READY_MIN_FREE_BYTES`). */
  dataVolume: 'data_volume',
} as const;

/** One readiness check. */
export const ReadinessCheckSchema = z.object({
  /** One of READINESS_CHECK_NAMES. */
  name: z.string(),
  ready: z.boolean(),
  /** Why it is not ready, or what was measured (free bytes); null when there is nothing to say. */
  detail: z.string().nullable(),
});
/** One readiness check's result. */
export type ReadinessCheck = z.infer<typeof ReadinessCheckSchema>;

/**
 * `GET /healthz/ready`, readiness: whether the stores can write. Answered 200 when `status` is `ready`, 503
 * (with the same body) when it is `not_ready`, naming the failed checks in `notReady`.
 */
export const ReadinessResponseSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  notReady: z.array(z.string()),
  checks: z.array(ReadinessCheckSchema),
});
/** A readiness answer. */
export type ReadinessResponse = z.infer<typeof ReadinessResponseSchema>;
