// An interactive module on the learn page: its manifest first (through the edge, in the load's trace), then the
// package in a sandboxed frame, whose launch document joins the same trace. The frame gets no `allow-same-origin`, and the server sends every package file
// with a CSP `sandbox` too: the package runs in an opaque origin and reaches nothing of this page. SCORM
// packages talk to the runtime the server injected into them, which relays to the SCORM host here.
import type { ItemContent, ModuleManifest } from '@coursecast/api';
import { attachScormHost, traceInteractiveLoad } from '@coursecast/player-sdk';
import { ATTR_PACKAGE_TYPE, PACKAGE_TYPES } from '@coursecast/semconv/browser';
import { el } from '../shared/dom-builder.js';
import { requestJson } from '../shared/http-json.js';

/** What the module's frame may do: run scripts, submit forms, open sandboxed pop-ups, alerts, downloads. */
export const MODULE_SANDBOX = 'allow-scripts allow-forms allow-popups allow-modals allow-downloads';
const LOAD_TIMEOUT_MS = 60_000;

type ModuleContent = Extract<ItemContent, { kind: 'interactive' }>;

/** A launched module, for the page and for tests. */
export interface LaunchedModule {
  frame: HTMLIFrameElement;
  manifest: ModuleManifest;
  scorm: ReturnType<typeof attachScormHost> | null;
}

/** A launch that failed in a way the learner should be told about. */
export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
}

function frameLoaded(frame: HTMLIFrameElement): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new ModuleLoadError(`the module did not load within ${LOAD_TIMEOUT_MS / 1000} s`)),
      LOAD_TIMEOUT_MS,
    );
    frame.addEventListener(
      'load',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * A frame fires `load` for an error page too; the launch document's Resource Timing entry has its real status
 * (Timing-Allow-Origin is on every delivered file). Browsers without `responseStatus` are trusted.
 */
function launchStatus(url: string): number | null {
  const entries = performance.getEntriesByName(url) as (PerformanceResourceTiming & {
    responseStatus?: number;
  })[];
  const last = entries[entries.length - 1];
  return last?.responseStatus ?? null;
}

/**
 * The launch URL naming the load's span: a frame's navigation sends no custom header, and the server adopts a
 * `traceparent` query parameter instead (paths alone key its cache). It goes before any fragment.
 */
export function withTraceparent(url: string, traceparent: string): string {
  const hash = url.indexOf('#');
  const [base, fragment] = hash === -1 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  return `${base}${base.includes('?') ? '&' : '?'}traceparent=${traceparent}${fragment}`;
}

/** Loads the manifest and the package into `stage`, timed and traced as `content.load_interactive`. */
export function launchModule(
  stage: HTMLElement,
  itemId: string,
  title: string,
  courseId: string,
  content: ModuleContent,
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
      const scorm =
        content.packageType === PACKAGE_TYPES.html5
          ? null
          : attachScormHost(frame, {
              moduleId: itemId,
              courseId,
              version: content.packageType === PACKAGE_TYPES.scorm12 ? '1.2' : '2004',
              attributes,
            });
      const loaded = frameLoaded(frame);
      frame.src = withTraceparent(content.launchUrl, ctx.traceparent);
      stage.replaceChildren(frame);
      await loaded;
      const status = launchStatus(frame.src);
      if (status !== null && status >= 400) {
        throw new ModuleLoadError(`the module's launch file answered HTTP ${status}`);
      }
      return { frame, manifest, scorm };
    },
    { attributes },
  );
}
