import {
  JOB_EVENT_NAMES,
  JobCancelResponseSchema,
  JobListResponseSchema,
  JobResponseSchema,
  type JobCancelResponse,
  type JobDoneEvent,
  type JobListResponse,
  type JobProgressEvent,
  type JobResponse,
} from '@coursecast/api';
import type { FastifyPluginAsync } from 'fastify';
import { JOB_STATE_VALUES } from '@coursecast/semconv';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin-auth.js';
import { AppError } from '../errors.js';
import { replySchema } from '../reply-schema.js';
import type { CatalogStore, Job } from '../store/index.js';
import { parseInput } from '../validation.js';
import type { JobEvent, JobEventBus } from './job-events.js';
import type { JobQueue } from './job-queue.js';

export interface JobRoutesDeps {
  store: CatalogStore;
  queue: JobQueue;
  events: JobEventBus;
  adminToken: string;
  /** SSE keep-alive comment period; proxies drop idle streams. */
  heartbeatMs?: number;
}

const Params = z.object({ id: z.string().min(1).max(64) });
const ListQuery = z.object({
  state: z.enum(JOB_STATE_VALUES as [string, ...string[]]).optional(),
  itemId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** One Server-Sent Event, its data as @coursecast/api describes it for the event's name. */
function sseFrame(event: typeof JOB_EVENT_NAMES.progress, data: JobProgressEvent): string;
function sseFrame(event: typeof JOB_EVENT_NAMES.done, data: JobDoneEvent): string;
function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Jobs: read, list, cancel, and follow progress as Server-Sent Events. All need the admin token. */
export const jobRoutes: FastifyPluginAsync<JobRoutesDeps> = async (app, deps) => {
  const { store, queue, events } = deps;
  app.addHook('onRequest', requireAdmin(deps.adminToken));

  async function mustGet(id: string): Promise<Job> {
    const job = await store.getJob(id);
    if (!job) throw new AppError('job_not_found', `No job with id ${id}`);
    return job;
  }

  app.get(
    '/api/jobs',
    { schema: replySchema(JobListResponseSchema) },
    async (request): Promise<JobListResponse> => {
      const q = parseInput(ListQuery, request.query, 'query');
      return { jobs: await store.listJobs({ ...q, state: q.state as Job['state'] | undefined }) };
    },
  );

  app.get(
    '/api/jobs/:id',
    { schema: replySchema(JobResponseSchema) },
    async (request): Promise<JobResponse> => {
      const { id } = parseInput(Params, request.params, 'path');
      return { job: await mustGet(id) };
    },
  );

  const cancel = { schema: replySchema(JobCancelResponseSchema) };
  app.post('/api/jobs/:id/cancel', cancel, async (request): Promise<JobCancelResponse> => {
    const { id } = parseInput(Params, request.params, 'path');
    const job = await mustGet(id);
    if (TERMINAL.has(job.state)) {
      throw new AppError('conflict', `job ${id} already ${job.state}`, { state: job.state });
    }
    return { job: await queue.cancel(id, 'transcode cancelled by an administrator') };
  });

  app.get('/api/jobs/:id/events', async (request, reply) => {
    const { id } = parseInput(Params, request.params, 'path');
    const job = await mustGet(id);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      res.end();
    };
    const send = (event: JobEvent): void => {
      if (closed) return;
      res.write(sseFrame(JOB_EVENT_NAMES.progress, event));
      if (TERMINAL.has(event.job.state)) {
        res.write(sseFrame(JOB_EVENT_NAMES.done, { job: event.job }));
        finish();
      }
    };
    const unsubscribe = events.subscribe(id, send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs ?? 15_000);
    heartbeat.unref();
    request.raw.on('close', finish);
    // Subscribe before reading the snapshot so no transition between the two is lost.
    send({ job: (await store.getJob(id)) ?? job });
  });
};
