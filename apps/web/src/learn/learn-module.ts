// An interactive module on the learn page: its manifest first (through the edge, in the load's trace), then the
// launch frame on the content origin (ADR 0010), which hosts the SCORM API, frames the package and says whether
// it started. The package runs on that other origin and reaches nothing of this page; the launch frame relays
// the API's calls to the SCORM host here.
import type { ItemContent, ModuleManifest } from '@coursecast/api';
import { attachScormHost, traceInteractiveLoad } from '@coursecast/player-sdk';
import { readLaunchVerdict } from '@coursecast/player-sdk/launch-message';
import {
  ATTR_PACKAGE_TYPE,
  MODULE_LOAD_FAILURES,
  PACKAGE_TYPES,
  type ModuleLoadFailure,
} from '@coursecast/semconv/browser';
import { el } from '../shared/dom-builder.js';
import { requestJson } from '../shared/http-json.js';

/**
 * What the launch frame may do. `allow-same-origin` keeps it (and the package in it) on the content origin,
 * another origin than this page's: the package finds the SCORM API the standard way, its frames script each
 * other, workers start, and it still reaches nothing of this page. No `allow-top-navigation`: it can't
 * navigate this page away.
 */
export const MODULE_SANDBOX =
  'allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads';
/** Beyond the server's own deadline (which it reports): the launch frame never answered at all. */
const VERDICT_TIMEOUT_MS = 120_000;

type ModuleContent = Extract<ItemContent, { kind: 'interactive' }>;

/** A launched module, for the page and for tests. */
export interface LaunchedModule {
  frame: HTMLIFrameElement;
  manifest: ModuleManifest;
  scorm: ReturnType<typeof attachScormHost> | null;
}

/** A launch that failed in a way the learner should be told about; `type` is its MODULE_LOAD_FAILURES reason. */
export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
  constructor(
    readonly type: ModuleLoadFailure,
    message: string,
  ) {
    super(message);
  }
}

const REASON_TEXT: Record<ModuleLoadFailure, string> = {
  api_not_found: 'the module never found the SCORM API',
  no_initialize: 'the module found the SCORM API but never started a session',
  script_error: 'the module stopped on a script error',
  blocked_resource: 'the module was refused a file it needs',
  no_paint: 'the module showed nothing',
  http_error: 'the module could not be fetched',
  launch_unreachable: 'the module’s launch frame did not answer',
};

/**
 * The launch frame's verdict: whether the package started (its API initialized, or its page painted), from the
 * frame's window and the content origin only. A launch frame that fails to load at all is judged by its HTTP
 * status (Resource Timing) or, last, by a deadline.
 */
function launchVerdict(frame: HTMLIFrameElement, origin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: ModuleLoadError): void => {
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () =>
        done(
          new ModuleLoadError(
            MODULE_LOAD_FAILURES.launchUnreachable,
            `${REASON_TEXT.launch_unreachable} within ${VERDICT_TIMEOUT_MS / 1000} s`,
          ),
        ),
      VERDICT_TIMEOUT_MS,
    );
    const onMessage = (event: MessageEvent): void => {
      if (event.source !== frame.contentWindow || event.origin !== origin) return;
      const verdict = readLaunchVerdict(event.data);
      if (!verdict) return;
      if (verdict.outcome === 'success') return done();
      const reason = verdict.reason ?? MODULE_LOAD_FAILURES.launchUnreachable;
      const detail = verdict.problem ? `: ${verdict.problem}` : '';
      done(new ModuleLoadError(reason, `${REASON_TEXT[reason]}${detail}`));
    };
    window.addEventListener('message', onMessage);
    frame.addEventListener(
      'load',
      () => {
        const status = launchStatus(frame.src);
        if (status !== null && status >= 400) {
          done(
            new ModuleLoadError(MODULE_LOAD_FAILURES.httpError, `the launch frame answered HTTP ${status}`),
          );
        }
      },
      { once: true },
    );
  });
}

/**
 * A frame fires `load` for an error page too; the document's Resource Timing entry has its real status.
 * Browsers without `responseStatus` are trusted.
 */
function launchStatus(url: string): number | null {
  const entries = performance.getEntriesByName(url) as (PerformanceResourceTiming & {
    responseStatus?: number;
  })[];
  const last = entries[entries.length - 1];
  return last?.responseStatus ?? null;
}

/**
 * The launch frame's URL for this page: its origin (which the frame posts to, and the server checks) and the
 * load's `traceparent` (a frame's navigation sends no custom header; the server adopts the query parameter).
 */
export function launchFrameSrc(launchFrameUrl: string, parentOrigin: string, traceparent: string): string {
  const sep = launchFrameUrl.includes('?') ? '&' : '?';
  return `${launchFrameUrl}${sep}parent=${encodeURIComponent(parentOrigin)}&traceparent=${traceparent}`;
}

/** Loads the manifest and the package into `stage`, timed and traced as `content.load_interactive`. */
export function launchModule(
  stage: HTMLElement,
  itemId: string,
  title: string,
  courseId: string,
  content: ModuleContent,
  ticket: string | null = null,
): Promise<LaunchedModule> {
  const attributes = { [ATTR_PACKAGE_TYPE]: content.packageType };
  return traceInteractiveLoad(
    itemId,
    courseId,
    async (ctx) => {
      const manifest = await requestJson<ModuleManifest>(content.manifestUrl, { headers: ctx.headers });
      ctx.manifest({ assetCount: manifest.assetCount, totalSizeKb: manifest.totalSizeKb });
      const frame = el('iframe', {
        id: 'module-frame',
        class: 'module-frame',
        sandbox: MODULE_SANDBOX,
        title,
        allow: 'fullscreen',
      });
      const origin = new URL(content.launchFrameUrl).origin;
      const scorm =
        content.packageType === PACKAGE_TYPES.html5
          ? null
          : attachScormHost(frame, {
              origin,
              moduleId: itemId,
              courseId,
              version: content.packageType === PACKAGE_TYPES.scorm12 ? '1.2' : '2004',
              attributes,
            });
      const verdict = launchVerdict(frame, origin);
      // The ticket rides in the fragment: the content origin's server never logs it; its launch frame reads it.
      const keep = ticket ? `#ticket=${encodeURIComponent(ticket)}` : '';
      frame.src = `${launchFrameSrc(content.launchFrameUrl, location.origin, ctx.traceparent)}${keep}`;
      stage.replaceChildren(frame);
      await verdict;
      return { frame, manifest, scorm };
    },
    { attributes },
  );
}
