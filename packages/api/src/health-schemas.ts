import { z } from 'zod';

/** `GET /healthz`: the process is up and routing. */
export const HealthResponseSchema = z.object({ status: z.literal('ok') });
/** A health answer. */
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
