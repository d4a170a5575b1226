import type { FastifySchema } from 'fastify';
import { z } from 'zod';

/** JSON Schemas already converted: a process builds many apps (tests do), each route schema is converted once. */
const converted = new WeakMap<z.ZodType, Record<string, unknown>>();

/** The JSON Schema (draft 7, which Fastify's serializer reads) of a zod schema's output. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let json = converted.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' });
    converted.set(schema, json);
  }
  // A copy per route: Fastify and its serializer may annotate the schema object they are given.
  return structuredClone(json);
}

/**
 * The `schema` option of a route whose `status` answer is `schema` (from @coursecast/api). Fastify then
 * serializes that answer with fast-json-stringify, which writes only the properties the schema names and
 * coerces values to their declared types: so the schema must describe the answer exactly, nulls and open maps
 * included (`src/api-contract.test.ts` checks every route's real answers against it).
 */
export function replySchema(schema: z.ZodType, status: 200 | 201 | 202 = 200): FastifySchema {
  return { response: { [status]: jsonSchemaOf(schema) } };
}
