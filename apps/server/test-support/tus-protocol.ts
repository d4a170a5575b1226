/** The tus 1.0 protocol spoken by hand, so tests control every header and byte (tus-js-client hides them). */
export interface TusAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** `Upload-Metadata`: comma-separated `key base64(value)` pairs. */
export function tusMetadata(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`)
    .join(',');
}

async function answer(res: Response): Promise<TusAnswer> {
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** A tus client for one server: `auth` is sent with every request. */
export function tusClient(base: string, auth: Record<string, string>) {
  const common = { ...auth, 'tus-resumable': '1.0.0' };
  return {
    /** POSTs a creation; the answer's Location is the upload's URL. */
    async create(courseId: string, length: number, meta: Record<string, string>): Promise<TusAnswer> {
      const res = await fetch(`${base}/api/courses/${courseId}/resumable-uploads`, {
        method: 'POST',
        headers: { ...common, 'upload-length': String(length), 'upload-metadata': tusMetadata(meta) },
      });
      return answer(res);
    },
    /** Creates an upload that must be accepted; its absolute URL. */
    async mustCreate(courseId: string, length: number, meta: Record<string, string>): Promise<string> {
      const a = await this.create(courseId, length, meta);
      if (a.status !== 201) throw new Error(`creation answered ${a.status}: ${a.body}`);
      return new URL(a.headers.get('location') ?? '', base).href;
    },
    async head(url: string): Promise<TusAnswer> {
      return answer(await fetch(url, { method: 'HEAD', headers: common }));
    },
    /** The server's offset of an upload (throws unless HEAD answers 200). */
    async offset(url: string): Promise<number> {
      const a = await this.head(url);
      if (a.status !== 200) throw new Error(`HEAD answered ${a.status}`);
      return Number(a.headers.get('upload-offset'));
    },
    async patch(
      url: string,
      offset: number,
      bytes: Uint8Array,
      headers: Record<string, string> = {},
    ): Promise<TusAnswer> {
      const res = await fetch(url, {
        method: 'PATCH',
        headers: {
          ...common,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': String(offset),
          ...headers,
        },
        body: bytes,
      });
      return answer(res);
    },
    async terminate(url: string): Promise<TusAnswer> {
      return answer(await fetch(url, { method: 'DELETE', headers: common }));
    },
    async options(url: string): Promise<TusAnswer> {
      return answer(await fetch(url, { method: 'OPTIONS', headers: auth }));
    },
  };
}
