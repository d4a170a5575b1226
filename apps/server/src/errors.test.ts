import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, ErrorBodySchema } from '@coursecast/api';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASTIFY_CODES } from './error-handler.js';
import { ERRORS } from './errors.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Calls whose first string-literal argument (or the literals of that argument) is an answered error code. */
const CODE_CALLS = new Set(['AppError', 'errorBody', 'sendError', 'body']);
const CODE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** The snake_case string literals in `node` (the branches of a ternary included), not inside nested calls. */
function literals(node: ts.Node): string[] {
  if (ts.isStringLiteral(node)) return CODE.test(node.text) ? [node.text] : [];
  if (ts.isCallExpression(node)) return [];
  const out: string[] = [];
  ts.forEachChild(node, (child) => {
    out.push(...literals(child));
  });
  return out;
}

/**
 * Every error code a source file spells where the server answers one: the code argument of AppError,
 * errorBody and the edge's sendError (the first argument holding a snake_case literal), and what functions
 * named `...ErrorCode` return.
 */
function codesIn(file: string, text: string): { code: string; where: string }[] {
  if (!/AppError|errorBody|sendError|ErrorCode/.test(text)) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { code: string; where: string }[] = [];
  const where = (n: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (node: ts.Node, inCodeFunction: boolean): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : '';
      if (CODE_CALLS.has(name)) {
        const codes = (node.arguments ?? []).map(literals).find((l) => l.length > 0) ?? [];
        for (const code of codes) found.push({ code, where: where(node) });
      }
    }
    if (inCodeFunction && ts.isReturnStatement(node) && node.expression) {
      for (const code of literals(node.expression)) found.push({ code, where: where(node) });
    }
    const named = ts.isFunctionDeclaration(node) && /ErrorCode$/.test(node.name?.text ?? '');
    ts.forEachChild(node, (child) => visit(child, named || (inCodeFunction && !ts.isFunctionLike(node))));
  };
  visit(source, false);
  return found;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the error catalog', () => {
  it('is the contract: errors.ts defines exactly the codes of @coursecast/api', () => {
    expect(Object.keys(ERRORS).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
    }
  });

  it('lists every code the error handler translates framework and plugin errors into', () => {
    for (const [fastifyCode, code] of Object.entries(FASTIFY_CODES))
      expect(ERRORS, fastifyCode).toHaveProperty(code);
  });

  it('lists every code the server writes outside AppError too (the edge, the error handler)', async () => {
    const found = (
      await Promise.all(
        (await sourceFiles(SRC)).map(async (file) =>
          codesIn(path.relative(SRC, file), await readFile(file, 'utf8')),
        ),
      )
    ).flat();
    const unknown = found.filter((f) => !Object.hasOwn(ERRORS, f.code));
    expect(unknown).toEqual([]);
    const codes = new Set(found.map((f) => f.code));
    // The scan sees what it must: the edge's test fault and origin failures, the handler's own codes.
    for (const code of ['test_fault', 'origin_timeout', 'method_not_allowed', 'invalid_path', 'internal']) {
      expect(codes, code).toContain(code);
    }
  });

  it('finds a code written outside AppError that the catalog lacks', () => {
    const text = "function f() { sendError(scope, ex, 418, 'teapot_fault', 'short and stout'); }";
    expect(codesIn('x.ts', text)).toEqual([{ code: 'teapot_fault', where: 'x.ts:1' }]);
  });
});

describe('error answers of the framework', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({}, { startQueue: false });
  });
  afterAll(() => t?.close());

  it('answers refusals before routing, bad bodies and unknown routes with catalog codes', async () => {
    const answers = [
      await t.cc.app.inject({ url: '/api/items/%E0%A4%A' }),
      await t.cc.app.inject({ url: '/api/nothing' }),
      await t.cc.app.inject({
        method: 'POST',
        url: '/api/courses',
        headers: { ...t.auth, 'content-type': 'application/json' },
        payload: '{"title": ',
      }),
      await t.cc.app.inject({
        method: 'POST',
        url: '/api/courses',
        headers: { ...t.auth, 'content-type': 'application/x-unknown' },
        payload: 'x',
      }),
      await t.cc.app.inject({
        method: 'POST',
        url: '/api/courses',
        headers: { ...t.auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }),
      }),
    ];
    expect(answers.map((a) => [a.statusCode, ErrorBodySchema.parse(a.json()).error.code])).toEqual([
      [400, 'invalid_path'],
      [404, 'not_found'],
      [400, 'invalid_request'],
      [415, 'unsupported_media_type'],
      [413, 'payload_too_large'],
    ]);
  });

  it('answers 503 shutting_down, in the error format, while closing', async () => {
    const app = t.cc.app;
    await app.ready();
    // inject() refuses once closing starts; a request still routed then (on a kept-alive connection) comes
    // through the app's own router, as it does here from a plain HTTP server.
    const front = createServer((req, res) => app.routing(req, res));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const { port } = front.address() as AddressInfo;
    const closing = app.close();
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(503);
      expect(res.headers.get('connection')).toBe('close');
      expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('shutting_down');
    } finally {
      await closing;
      await new Promise((resolve) => front.close(resolve));
    }
  });
});
