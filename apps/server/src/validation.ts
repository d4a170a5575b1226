import type { z } from 'zod';
import { AppError } from './errors.js';

/** Parses an external input with a zod schema, or throws a 400 naming each invalid field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || what, message: i.message }));
  throw new AppError(
    'invalid_request',
    `invalid ${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { issues },
  );
}
