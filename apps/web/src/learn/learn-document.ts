// A document on the learn page: fetched whole through the edge inside the load's trace (so the edge's span is
// a child of the browser's), with progress, then shown from memory: PDFs in the browser's viewer, images as
// they are. The download link goes to the delivered file itself.
import type { ItemContent } from '@coursecast/api';
import { traceDocumentLoad } from '@coursecast/player-sdk';
import { ATTR_DOCUMENT_FORMAT, DOCUMENT_FORMATS_VALUES } from '@coursecast/semconv/browser';
import { el } from '../shared/dom-builder.js';

type DocumentContent = Extract<ItemContent, { kind: 'document' }>;

/** A shown document, for the page and for tests. */
export interface OpenedDocument {
  viewer: HTMLElement;
  bytes: number;
  blobUrl: string;
}

/** A document that could not be fetched. */
export class DocumentLoadError extends Error {
  override readonly name = 'DocumentLoadError';
}

async function readAll(res: Response, onProgress: (done: number) => void): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let done = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    chunks.push(next.value);
    done += next.value.byteLength;
    onProgress(done);
  }
  const out = new Uint8Array(done);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Fetches and shows the document in `stage`, timed and traced as `content.document_load`. */
export function openDocument(
  stage: HTMLElement,
  itemId: string,
  title: string,
  courseId: string,
  content: DocumentContent,
  onProgress: (done: number, total: number) => void,
): Promise<OpenedDocument> {
  return traceDocumentLoad(
    itemId,
    courseId,
    async (ctx) => {
      let res: Response;
      try {
        res = await fetch(content.url, { headers: ctx.headers });
      } catch {
        throw new DocumentLoadError('the document could not be reached');
      }
      if (!res.ok) throw new DocumentLoadError(`the document answered HTTP ${res.status}`);
      const body = await readAll(res, (done) => onProgress(done, content.bytes));
      ctx.manifest({ assetCount: 1, totalSizeKb: Math.round((body.byteLength / 1024) * 10) / 10 });
      const blobUrl = URL.createObjectURL(new Blob([body as BlobPart], { type: content.contentType }));
      const viewer =
        content.format === DOCUMENT_FORMATS_VALUES.pdf
          ? el('iframe', { id: 'document-viewer', class: 'document-frame', src: blobUrl, title })
          : el('img', { id: 'document-viewer', class: 'document-image', src: blobUrl, alt: title });
      stage.replaceChildren(viewer);
      return { viewer, bytes: body.byteLength, blobUrl };
    },
    { attributes: { [ATTR_DOCUMENT_FORMAT]: content.format } },
  );
}
