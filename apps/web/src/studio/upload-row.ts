// One file's resumable upload in the studio: tus-js-client sends it in chunks and resumes from the server's offset
// after a cut (and after a reload: it remembers the upload by the file's fingerprint). The row shows a real
// progress bar, speed and time left, and lets the instructor pause, resume, retry or cancel.
import type { UploadResponse } from '@coursecast/api';
import { Upload } from 'tus-js-client';
import { adminHeaders } from '../shared/admin-api.js';
import { el } from '../shared/dom-builder.js';
import { studioApi } from './studio-api.js';
import { formatBytes } from '../player/display-text.js';
import { createSpeedMeter, formatLeft, formatRate } from './upload-speed.js';

/** Where an upload is. */
export type UploadState =
  'uploading' | 'paused' | 'retrying' | 'failed' | 'validating' | 'done' | 'cancelled';

/** One file's upload, as the course panel holds it. */
export interface UploadRow {
  element: HTMLElement;
  state(): UploadState;
  /** Resumes an upload stopped by a network loss (the page calls it when the browser is online again). */
  retry(): void;
}

// Chunks under the body limits of common proxies (a cut loses nothing: the server keeps what arrived), large
// enough that each PATCH's request and final sync cost little against its bytes (bench/upload).
const CHUNK_BYTES = 32 * 1024 * 1024;
// Retries after a cut (ms): a Wi-Fi drop of a minute or two is ridden out without the instructor doing anything.
const RETRY_DELAYS = [0, 1000, 2000, 4000, 8000, 15_000, 30_000, 30_000, 60_000];

/** Starts uploading `file` to `courseId`; `onDone` gets the new item when the server has validated it. */
export function startUpload(
  file: File,
  courseId: string,
  onDone: (answer: UploadResponse) => void,
): UploadRow {
  let current: UploadState = 'uploading';
  const meter = createSpeedMeter();
  const bar = el('progress', { max: String(file.size), value: '0', 'aria-label': `Upload of ${file.name}` });
  const line = el('span', { class: 'upload-line muted' }, 'Starting…');
  const status = el('span', { class: 'upload-state', role: 'status' }, 'Uploading');
  const pause = el('button', { type: 'button', class: 'pause' }, 'Pause');
  const cancel = el('button', { type: 'button', class: 'cancel' }, 'Cancel');
  const element = el(
    'li',
    { class: 'upload', 'data-state': current, 'data-file': file.name },
    el('div', { class: 'upload-head' }, el('span', { class: 'upload-name' }, file.name), status),
    bar,
    el('div', { class: 'upload-foot' }, line, el('span', { class: 'upload-actions' }, pause, cancel)),
  );

  const set = (next: UploadState, text: string): void => {
    current = next;
    element.dataset['state'] = next;
    status.textContent = text;
    pause.hidden = !['uploading', 'paused', 'retrying', 'failed'].includes(next);
    pause.textContent =
      next === 'uploading' || next === 'retrying' ? 'Pause' : next === 'failed' ? 'Retry' : 'Resume';
    cancel.hidden = next === 'done' || next === 'cancelled' || next === 'validating';
  };

  const upload = new Upload(file, {
    endpoint: studioApi.uploadEndpoint(courseId),
    headers: adminHeaders(),
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS,
    metadata: { filename: file.name, filetype: file.type },
    removeFingerprintOnSuccess: true,
    onProgress(sent, total) {
      meter.sample(sent, performance.now());
      bar.value = sent;
      if (current === 'retrying') set('uploading', 'Uploading');
      const speed = meter.bytesPerSecond();
      const left = meter.secondsLeft(total);
      const parts = [`${formatBytes(sent)} of ${formatBytes(total)}`];
      if (speed !== null) parts.push(formatRate(speed));
      if (left !== null) parts.push(formatLeft(left));
      line.textContent = parts.join(' · ');
      if (sent === total) set('validating', 'Checking the file…');
    },
    onShouldRetry(err, attempt) {
      const status = err.originalResponse?.getStatus() ?? 0;
      // A refusal (4xx but a conflict or a lock) will not change on retry; a cut or a 5xx may.
      const retriable = status === 0 || status >= 500 || status === 409 || status === 423;
      if (retriable) {
        meter.reset();
        set('retrying', `Connection lost: retrying (${attempt + 1})`);
      }
      return retriable;
    },
    onError(err) {
      const body =
        (err as { originalResponse?: { getBody(): string } | null }).originalResponse?.getBody() ?? '';
      let message = err.message;
      try {
        message = (JSON.parse(body) as { error: { message: string } }).error.message;
      } catch {
        // Not one of the API's JSON errors (no answer at all): tus-js-client's message says what happened.
      }
      set('failed', 'Stopped');
      line.textContent = message;
    },
    onSuccess({ lastResponse }) {
      try {
        const answer = JSON.parse(lastResponse.getBody()) as UploadResponse;
        set('done', 'Uploaded');
        line.textContent = `${formatBytes(file.size)} · now “${answer.item.title}”`;
        onDone(answer);
      } catch {
        // The server answered 204 without a body: the upload had been completed before (a resumed one).
        set('done', 'Uploaded');
        line.textContent = `${formatBytes(file.size)}`;
      }
    },
  });

  const start = (): void => {
    set('uploading', 'Uploading');
    meter.reset();
    void upload.findPreviousUploads().then((previous) => {
      const earlier = previous[0];
      if (earlier) upload.resumeFromPreviousUpload(earlier);
      upload.start();
    });
  };
  pause.addEventListener('click', () => {
    if (current === 'uploading' || current === 'retrying') {
      void upload.abort();
      set('paused', 'Paused');
      line.textContent = `${formatBytes(Number(bar.value))} of ${formatBytes(file.size)} · paused`;
    } else start();
  });
  cancel.addEventListener('click', () => {
    // Terminates the upload on the server too (tus termination): its bytes are removed at once.
    void upload.abort(true).catch(() => undefined);
    set('cancelled', 'Cancelled');
    line.textContent = 'Nothing was kept.';
  });
  start();
  return {
    element,
    state: () => current,
    retry() {
      if (current === 'failed') start();
    },
  };
}
