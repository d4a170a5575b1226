import type { ClientCapabilities } from '@coursecast/media';
import { z } from 'zod';

const token = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,31}$/, 'lower-case names like h264, aac, mp4')
  .transform((s) => s);
const list = (fallback: string[]) =>
  z
    .string()
    .max(512)
    .optional()
    .transform((raw) =>
      raw === undefined || raw.trim() === '' ? fallback : raw.split(',').map((s) => s.trim()),
    )
    .pipe(z.array(token).max(32));

/**
 * What a player sends about itself, as query parameters:
 * `?containers=mp4,webm&videoCodecs=h264,vp9&audioCodecs=aac,opus&maxHeight=1080&maxBitrate=6000000`.
 * Without them a player is assumed to handle only what every browser handles: MP4, H.264, AAC.
 */
export const CapabilitiesQuery = z
  .object({
    containers: list(['mp4']),
    videoCodecs: list(['h264']),
    audioCodecs: list(['aac', 'mp3']),
    maxHeight: z.coerce.number().int().min(64).max(8640).optional(),
    maxBitrate: z.coerce.number().int().min(64_000).max(1_000_000_000).optional(),
  })
  .transform((q): ClientCapabilities => ({
    containers: q.containers,
    videoCodecs: q.videoCodecs,
    audioCodecs: q.audioCodecs,
    maxHeight: q.maxHeight ?? null,
    maxBitrate: q.maxBitrate ?? null,
  }));
