// The learn page (`/learn/:itemId[?course=<id>]`): opens a document or launches an interactive module, and
// reports its load (the SDK's `content.document_load` / `content.load_interactive`). For tests:
// `window.coursecastLearn` and, on <body>, `data-state` (loading | ready | error) and `data-kind`.
import { ITEM_KINDS } from '@coursecast/semconv/browser';
import { el } from '../shared/dom-builder.js';
import { ApiError, requestJson } from '../shared/http-json.js';
import { learnerHeaders, sessionClaims, takeLearnerSession } from '../shared/learner-session.js';
import type { PublicItemResponse, ScormTicketResponse } from '@coursecast/api';
import { fetchCourse, fetchItem, idFromPath, pagePaths } from '../player/catalog-api.js';
import { formatBytes, packageLabel } from '../player/display-text.js';
import { openDocument, type OpenedDocument } from './learn-document.js';
import { launchModule, type LaunchedModule } from './learn-module.js';
import '../shared/palette.css';
import '../player/player.css';
import './learn.css';

/** What the page exposes to tests and to a curious learner's console. */
export interface LearnExposed {
  item: PublicItemResponse | null;
  module: LaunchedModule | null;
  document: OpenedDocument | null;
  error: string | null;
}

declare global {
  interface Window {
    coursecastLearn?: LearnExposed;
  }
}

const params = new URLSearchParams(location.search);
const app = document.getElementById('app')!;
const heading = el('h1', { id: 'item-title' }, 'Loading…');
const back = el('a', { id: 'course-link', class: 'back', hidden: true }, '← Course');
const facts = el('p', { id: 'item-facts', class: 'muted' });
const message = el('p', { id: 'page-message', class: 'page-message', role: 'status', hidden: true });
const stage = el('div', { id: 'stage', class: 'learn-stage' });
const exposed: LearnExposed = { item: null, module: null, document: null, error: null };
window.coursecastLearn = exposed;

function fail(text: string): void {
  document.body.dataset['state'] = 'error';
  exposed.error = text;
  message.textContent = text;
  message.classList.add('error');
  message.hidden = false;
}

function apiMessage(err: unknown): string {
  if (err instanceof ApiError && err.code === 'item_not_found') {
    return 'There is nothing at this address. Check the link you followed.';
  }
  if (err instanceof ApiError) return `This could not be loaded: ${err.message}.`;
  return `This could not be loaded: ${err instanceof Error ? err.message : String(err)}.`;
}

async function showCourse(courseId: string): Promise<void> {
  back.setAttribute('href', pagePaths.course(courseId));
  back.hidden = false;
  try {
    back.textContent = `← ${(await fetchCourse(courseId)).course.title}`;
  } catch {
    // Decoration only.
  }
}

async function main(): Promise<void> {
  document.body.dataset['state'] = 'loading';
  app.replaceChildren(
    el('header', { class: 'page-head' }, back, heading),
    el('main', { class: 'learn' }, facts, message, stage),
  );
  const itemId = idFromPath(location.pathname);
  if (!itemId) return fail('This address names nothing to open.');
  // Opened from an LMS: the launch's learner session (taken out of the address at once).
  const session = takeLearnerSession();
  const learner = session ? sessionClaims(session) : null;
  let view: PublicItemResponse;
  try {
    view = await fetchItem(itemId, learner?.item === itemId ? session : null);
  } catch (err) {
    heading.textContent = 'Unavailable';
    return fail(apiMessage(err));
  }
  exposed.item = view;
  const { item, content } = view;
  heading.textContent = item.title;
  document.title = `${item.title} · coursecast`;
  document.body.dataset['kind'] = item.kind;
  const courseId = params.get('course') ?? item.courseId;
  void showCourse(courseId);
  if (item.kind === ITEM_KINDS.video) {
    stage.replaceChildren(el('a', { href: pagePaths.watch(item.id, courseId) }, 'Watch this lecture'));
    return fail('This is a video: it plays on its watch page.');
  }
  if (!content) return fail('This item is not published yet.');

  try {
    if (content.kind === 'document') {
      facts.replaceChildren(
        `${content.format.toUpperCase()} · ${formatBytes(content.bytes)} · `,
        el('a', { id: 'download-link', href: content.url, download: content.fileName }, 'Download'),
      );
      const progress = el('progress', { id: 'load-progress', max: content.bytes, value: 0 });
      stage.replaceChildren(progress);
      exposed.document = await openDocument(stage, item.id, item.title, courseId, content, (done) => {
        progress.value = done;
      });
    } else {
      facts.textContent = `${packageLabel(content.packageType)} · ${content.assetCount} files · ${formatBytes(content.totalBytes)}`;
      stage.replaceChildren(el('p', { class: 'muted' }, 'Launching the module…'));
      // A learner from an LMS: the module's attempt is kept (and resumed) with a ticket of their session.
      const ticket =
        session && learner?.item === item.id ? await scormTicket(session, learner.sub, item.id) : null;
      exposed.module = await launchModule(stage, item.id, item.title, courseId, content, ticket);
    }
    document.body.dataset['state'] = 'ready';
  } catch (err) {
    fail(err instanceof Error ? `${err.message}.` : String(err));
  }
}

/** A ticket for the module's attempt, or null when the server gives none (the module then runs unkept). */
async function scormTicket(session: string, learnerId: string, itemId: string): Promise<string | null> {
  try {
    const { ticket } = await requestJson<ScormTicketResponse>(
      `/api/learners/${learnerId}/items/${itemId}/scorm-ticket`,
      { method: 'POST', headers: learnerHeaders(session) },
    );
    return ticket;
  } catch {
    return null;
  }
}

void main();
