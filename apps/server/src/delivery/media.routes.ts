import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface MediaRoutesDeps {
  mediaRoot: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.jpg': 'image/jpeg',
};

/**
 * Public playback files under /media/. Ranges, ETag, Last-Modified and HEAD come from @fastify/static;
 * dot-files (staging dirs of running jobs) are never served. Playlists are short-lived because a
 * re-transcode rewrites them in place.
 */
export const mediaRoutes: FastifyPluginAsync<MediaRoutesDeps> = async (app, deps) => {
  await app.register(fastifyStatic, {
    root: deps.mediaRoot,
    prefix: '/media/',
    serveDotFiles: false,
    index: false,
    list: false,
    redirect: false,
    cacheControl: false,
    setHeaders(reply, filePath) {
      const ext = filePath.slice(filePath.lastIndexOf('.'));
      const type = CONTENT_TYPES[ext];
      if (type) void reply.header('content-type', type);
      void reply.header('cache-control', ext === '.m3u8' ? 'public, max-age=10' : 'public, max-age=3600');
      void reply.header('access-control-allow-origin', '*');
    },
  });
};
