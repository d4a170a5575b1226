import { EventEmitter } from 'node:events';
import type { Job } from '../store/index.js';

/** What a progress subscriber receives: the job as stored plus live encoder facts. */
export interface JobEvent {
  job: Job;
  /** Per-rung progress while running (not persisted: it changes several times a second). */
  rungs?: { name: string; segments: number; mediaSeconds: number }[];
}

/** Fan-out of job updates to SSE clients and the CLI; in-process, bounded by the number of open streams. */
export interface JobEventBus {
  publish(event: JobEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(jobId: string, listener: (event: JobEvent) => void): () => void;
}

/** Creates the in-process bus. A throwing listener is isolated from the publisher. */
export function createJobEventBus(onListenerError: (err: unknown) => void = () => {}): JobEventBus {
  const emitter = new EventEmitter();
  // One listener per open SSE stream; the default cap of 10 would warn on a busy job.
  emitter.setMaxListeners(0);
  return {
    publish(event) {
      emitter.emit(event.job.id, event);
    },
    subscribe(jobId, listener) {
      const guarded = (event: JobEvent): void => {
        try {
          listener(event);
        } catch (err) {
          onListenerError(err);
        }
      };
      emitter.on(jobId, guarded);
      return () => emitter.off(jobId, guarded);
    },
  };
}
