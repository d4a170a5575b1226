import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

const TOKEN_FILE = 'admin-token';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares a presented token with the expected one in constant time. Both are hashed first so the
 * comparison also hides the expected token's length.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Throws the 401 of a missing or wrong admin token, with its challenge. */
export function refuseAdmin(reply: FastifyReply, header: string): never {
  void reply.header('www-authenticate', 'Bearer realm="coursecast"');
  throw new AppError(
    'unauthorized',
    header ? 'The admin bearer token is wrong' : 'Missing Authorization: Bearer <admin token> header',
  );
}

/** Whether an Authorization header is exactly `Bearer <admin token>`. */
export function hasAdminToken(header: string, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] !== undefined && tokenMatches(match[1], expected);
}

/** Whether a request says a body follows (an upload's gigabytes, say). */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A Fastify onRequest hook that admits only `Authorization: Bearer <admin token>`. A refused request's body is
 * not read: the connection closes after the 401, so a stranger cannot keep it open streaming an upload.
 */
export function requireAdmin(expected: string) {
  return async function adminOnly(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization ?? '';
    if (hasAdminToken(header, expected)) return;
    if (hasBody(request)) void reply.header('connection', 'close');
    refuseAdmin(reply, header);
  };
}

/** Where a generated admin token is, and whether it was generated just now. */
export interface ResolvedAdminToken {
  token: string;
  source: 'config' | 'file' | 'generated';
  file: string | null;
}

/**
 * The configured token, or the one kept in the data dir, or a new one written there (mode 0600) on
 * first start, so restarts keep the same token.
 */
export async function resolveAdminToken(
  configured: string | undefined,
  dataDir: string,
): Promise<ResolvedAdminToken> {
  if (configured) return { token: configured, source: 'config', file: null };
  const file = path.join(dataDir, TOKEN_FILE);
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 16) return { token: stored, source: 'file', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, source: 'generated', file };
}
