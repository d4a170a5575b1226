import { z } from 'zod';
import { PANEL_DATA_SCHEMAS, type PanelData, type PanelId } from './panel-data-schemas.js';

/** Where a panel reads: `views`, derived playback views; `server`, stored rows as they are. */
export const PANEL_SOURCES = { views: 'views', server: 'server' } as const;

/** One entry of the panel list. */
export const PanelInfoSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  source: z.enum(PANEL_SOURCES),
});
/** A panel as listed. */
export type PanelInfo = z.infer<typeof PanelInfoSchema>;

/** `GET /api/dashboard/panels` (admin): every panel, in the dashboard's order. */
export const PanelListResponseSchema = z.object({ panels: z.array(PanelInfoSchema) });
/** The panel list. */
export type PanelListResponse = z.infer<typeof PanelListResponseSchema>;

/** The filters a panel query applied (only those given). */
export const PanelFiltersSchema = z.object({
  course: z.string().optional(),
  item: z.string().optional(),
  browser: z.string().optional(),
  codec: z.string().optional(),
  container: z.string().optional(),
  plan: z.string().optional(),
  cache: z.string().optional(),
});

/** The query as the server resolved it: range (epoch ms), bucket size and filters. */
export const PanelQuerySchema = z.object({
  from: z.number(),
  to: z.number(),
  bucketSeconds: z.number(),
  filters: PanelFiltersSchema,
});
/** A resolved panel query. */
export type PanelQuery = z.infer<typeof PanelQuerySchema>;

/** What every panel answer carries besides its data. */
const PanelEnvelopeSchema = z.object({
  panel: z.string(),
  title: z.string(),
  query: PanelQuerySchema,
  /** Time the panel's queries took on the server. */
  tookMs: z.number(),
});

/** `GET /api/dashboard/panels/:panel` (admin): a panel's answer with data of type `T`. */
export type PanelResponse<T> = z.infer<typeof PanelEnvelopeSchema> & { data: T };
/** The answer of panel `K`. */
export type PanelAnswer<K extends PanelId> = PanelResponse<PanelData[K]> & { panel: K };
/** The answer of any panel of this contract, discriminated by `panel`. */
export type AnyPanelAnswer = { [K in PanelId]: PanelAnswer<K> }[PanelId];

/** The answer schema of panel `id`. */
export function panelResponseSchema<K extends PanelId>(id: K) {
  return PanelEnvelopeSchema.extend({ panel: z.literal(id), data: PANEL_DATA_SCHEMAS[id] });
}

/** `POST /api/dashboard/rebuild-views` (admin): how many views were derived again. */
export const RebuildViewsResponseSchema = z.object({ views: z.number() });
/** A rebuild's answer. */
export type RebuildViewsResponse = z.infer<typeof RebuildViewsResponseSchema>;
