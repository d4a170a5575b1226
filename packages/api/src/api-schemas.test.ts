import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as api from './index.js';

describe('the HTTP contract', () => {
  it('converts every schema to the JSON Schema the server serializes with (nothing unrepresentable)', () => {
    const schemas = Object.entries(api).filter(([, v]) => v instanceof z.ZodType);
    expect(schemas.length).toBeGreaterThan(40);
    for (const [name, schema] of schemas) {
      expect(
        () => z.toJSONSchema(schema as z.ZodType, { target: 'draft-7', io: 'output' }),
        name,
      ).not.toThrow();
    }
    for (const id of api.PANEL_IDS) expect(() => z.toJSONSchema(api.panelResponseSchema(id))).not.toThrow();
  });

  it('closes every object: a property the schema does not name is not part of the answer', () => {
    const json = JSON.stringify(z.toJSONSchema(api.ItemResponseSchema, { target: 'draft-7', io: 'output' }));
    expect(json).not.toContain('"additionalProperties":true');
    const item = { status: 'ok', extra: 1 };
    expect(api.HealthResponseSchema.parse(item)).toEqual({ status: 'ok' });
  });

  it('tells the admin answer of an item from the public one, and keeps the public one free of server facts', () => {
    const json = z.toJSONSchema(api.ItemOrPublicItemResponseSchema, { target: 'draft-7', io: 'output' });
    const [full, open] = (json as { anyOf: { additionalProperties: unknown; required: string[] }[] }).anyOf;
    // The serializer takes the first alternative an answer matches: each must refuse the other's answer.
    expect([full?.additionalProperties, open?.additionalProperties]).toEqual([false, false]);
    expect(full?.required).toEqual(expect.arrayContaining(['renditions', 'job']));
    expect(Object.keys(api.PublicItemResponseSchema.shape)).toEqual(['item', 'playback', 'content']);
    const publicFacts = Object.keys(api.PublicItemSchema.shape);
    for (const secret of ['source', 'sourceBytes', 'posterFile', 'mediaVersion', 'error']) {
      expect(publicFacts).not.toContain(secret);
      expect(Object.keys(api.CourseItemSchema.shape)).not.toContain(secret);
    }
  });

  it('lists each error code once', () => {
    expect(new Set(api.ERROR_CODES).size).toBe(api.ERROR_CODES.length);
    expect(api.ErrorBodySchema.safeParse({ error: { code: 'no_such_code', message: 'x' } }).success).toBe(
      false,
    );
  });

  it('knows its panels by id, and nothing inherited', () => {
    expect(api.PANEL_IDS).toContain('summary');
    expect(api.isPanelId('content-loads')).toBe(true);
    expect(api.isPanelId('constructor')).toBe(false);
    expect(api.isPanelId('future-panel')).toBe(false);
    const answer = {
      panel: 'summary',
      title: 't',
      query: { from: 0, to: 1, bucketSeconds: 60, filters: {} },
      tookMs: 1,
      data: Object.fromEntries(api.PLAYBACK_SUMMARY_FIELDS.map((k) => [k, null])),
    };
    expect(api.panelResponseSchema('summary').parse(answer)).toEqual(answer);
    expect(api.panelResponseSchema('startup-histogram').safeParse(answer).success).toBe(false);
  });
});
