import {
  PANEL_IDS,
  PanelListResponseSchema,
  panelResponseSchema,
  RebuildViewsResponseSchema,
  type PanelAnswer,
  type PanelId,
  type PanelListResponse,
  type RebuildViewsResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import type { SqlReader } from '../store/duckdb-database.js';
import type { ViewRefresher } from '../views/view-refresher.js';
import { parseInput } from '../validation.js';
import { PANELS } from './dashboard-panels.js';
import { DashboardQuerySchema, resolveQuery } from './dashboard-query.js';

export interface DashboardRoutesDeps {
  /** Reads the telemetry store (panels only ever read). */
  reader: SqlReader;
  /** Derived playback views: refreshed before a views panel answers, rebuilt on request. */
  views: Pick<ViewRefresher, 'refresh' | 'rebuildAll'>;
  adminToken: string;
  now?: () => number;
}

const PanelParams = z.object({ panel: z.string().min(1).max(64) });

/**
 * Dashboard data: the panel list, each panel's query, and a rebuild of views from raw events (admin only).
 * Each panel has a route of its own, so its answer is serialized with its own data schema.
 */
export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesDeps> = async (app, deps) => {
  const now = deps.now ?? Date.now;
  app.addHook('onRequest', requireAdmin(deps.adminToken));

  const list = { schema: replySchema(PanelListResponseSchema) };
  app.get('/api/dashboard/panels', list, async (): Promise<PanelListResponse> => ({
    panels: PANEL_IDS.map((id) => {
      const p = PANELS[id];
      return { id, title: p.title, description: p.description, source: p.source };
    }),
  }));

  async function answer<K extends PanelId>(id: K, query: unknown): Promise<PanelAnswer<K>> {
    const panel = PANELS[id];
    const q = resolveQuery(parseInput(DashboardQuerySchema, query ?? {}, 'query'), now());
    if (typeof q === 'string') throw new AppError('invalid_request', `invalid query: ${q}`);
    // Views with new events are derived first, so a panel never lags its raw data by a refresh interval.
    if (panel.source === 'views') await deps.views.refresh();
    const t0 = performance.now();
    const data = await panel.run(deps.reader, q);
    return {
      panel: id,
      title: panel.title,
      query: { from: q.fromMs, to: q.toMs, bucketSeconds: q.bucketMs / 1000, filters: q.filters },
      tookMs: Math.round((performance.now() - t0) * 10) / 10,
      data,
    };
  }

  for (const id of PANEL_IDS) {
    app.get(`/api/dashboard/panels/${id}`, { schema: replySchema(panelResponseSchema(id)) }, (request) =>
      answer(id, request.query),
    );
  }

  // Every known panel matched its own route above: what reaches this one is not a panel.
  app.get('/api/dashboard/panels/:panel', async (request) => {
    const { panel: id } = parseInput(PanelParams, request.params, 'path');
    throw new AppError('not_found', `No dashboard panel ${id}; known: ${PANEL_IDS.join(', ')}`);
  });

  const rebuild = { schema: replySchema(RebuildViewsResponseSchema) };
  app.post('/api/dashboard/rebuild-views', rebuild, async (): Promise<RebuildViewsResponse> => ({
    views: await deps.views.rebuildAll(),
  }));
};
