import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** An answer whose served JSON is not the handler's value: the route's reply schema does not describe it. */
export interface ContractViolation {
  method: string;
  url: string;
  status: number;
  /** The handler's value, as JSON.stringify writes it. */
  sent: unknown;
  /** What fast-json-stringify served from the route's schema (or the error that replaced it). */
  served: unknown;
}

/**
 * Watches every answer serialized from a route's reply schema (src/reply-schema.ts): its served JSON must be
 * exactly what JSON.stringify makes of the handler's value. fast-json-stringify drops properties the schema
 * does not name, writes `0` or `""` for a null the schema does not allow and coerces types, so any difference
 * is a schema that does not describe its answer; a missing required property becomes a 500, a difference too.
 * Call before the app is ready; the returned list fills as requests are answered.
 */
export function watchReplyContract(app: FastifyInstance): ContractViolation[] {
  const violations: ContractViolation[] = [];
  const expected = new WeakMap<FastifyRequest, { status: number; json: string }>();
  app.addHook('preSerialization', async (request, reply, payload) => {
    const response = request.routeOptions.schema?.response as Record<string, unknown> | undefined;
    if (response?.[reply.statusCode] !== undefined) {
      expected.set(request, { status: reply.statusCode, json: JSON.stringify(payload) });
    }
    return payload;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const want = expected.get(request);
    if (want === undefined || typeof payload !== 'string') return payload;
    expected.delete(request);
    const sent: unknown = JSON.parse(want.json);
    const served: unknown = JSON.parse(payload);
    if (reply.statusCode !== want.status || !isDeepStrictEqual(served, sent)) {
      violations.push({ method: request.method, url: request.url, status: reply.statusCode, sent, served });
    }
    return payload;
  });
  return violations;
}

/** The violations as a readable failure message (empty when there are none). */
export function describeViolations(violations: readonly ContractViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.method} ${v.url} (${v.status}): the reply schema changed the answer\n` +
        `  handler: ${JSON.stringify(v.sent)}\n  served:  ${JSON.stringify(v.served)}`,
    )
    .join('\n');
}
