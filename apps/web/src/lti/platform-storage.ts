// The LTI client-side postMessage storage (1EdTech "LTI Client Side postMessages" and its platform storage): a
// tool in an LMS frame that cannot keep anything itself (third-party cookies and storage blocked) asks the
// platform's page to keep a value for it, with `lti.put_data`, and reads it back with `lti.get_data`. Requests go
// to the frame the platform named (`lti_storage_target`: a sibling frame's name, or `_parent`) with the origin of
// the platform's authorization endpoint as target origin, so only the platform can read them; an answer is taken
// only from that origin with the request's message id.

/** A window messages are posted to. */
export interface MessageTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** What the storage needs of the page it runs in. */
export interface StorageHost {
  /** The window the platform's storage answers from (resolved from `lti_storage_target`); null: not reachable. */
  target: MessageTarget | null;
  /** Subscribes to this window's messages; returns the unsubscribe. */
  listen(handler: (event: { data: unknown; origin: string }) => void): () => void;
  newId(): string;
  setTimeout(fn: () => void, ms: number): unknown;
}

/** The platform's storage for this tool's values. */
export interface PlatformStorage {
  /** True once the platform confirmed it keeps `value` under `key`. */
  put(key: string, value: string): Promise<boolean>;
  /** The value under `key`; null when the platform has none or does not answer. */
  get(key: string): Promise<string | null>;
}

/** How long an answer may take: the reference library gives up after a second. */
const ANSWER_MS = 1500;

interface Answer {
  subject?: unknown;
  message_id?: unknown;
  value?: unknown;
  error?: unknown;
}

/** The storage of the platform at `origin`, through `host`. */
export function platformStorage(host: StorageHost, origin: string): PlatformStorage {
  function ask(subject: string, fields: Record<string, string>): Promise<Answer | null> {
    const target = host.target;
    if (!target) return Promise.resolve(null);
    const id = host.newId();
    return new Promise((resolve) => {
      let done = false;
      const finish = (answer: Answer | null) => {
        if (done) return;
        done = true;
        stop();
        resolve(answer);
      };
      const stop = host.listen((event) => {
        const data = event.data as Answer | null;
        if (event.origin !== origin || typeof data !== 'object' || data === null) return;
        if (data.subject !== `${subject}.response` || data.message_id !== id) return;
        finish(data.error === undefined ? data : null);
      });
      host.setTimeout(() => finish(null), ANSWER_MS);
      try {
        target.postMessage({ subject, message_id: id, ...fields }, origin);
      } catch {
        finish(null);
      }
    });
  }
  return {
    async put(key, value) {
      const answer = await ask('lti.put_data', { key, value });
      return answer !== null;
    },
    async get(key) {
      const answer = await ask('lti.get_data', { key });
      return typeof answer?.value === 'string' ? answer.value : null;
    },
  };
}

/** The window `lti_storage_target` names, from a page in the platform's frame. */
export function storageTargetWindow(
  win: { parent: Window; opener: Window | null },
  storageTarget: string,
): MessageTarget | null {
  try {
    if (storageTarget === '_parent') return win.opener ?? win.parent;
    // A named frame of the platform's page (Canvas: post_message_forwarding), reachable across origins by name.
    const frame: unknown = Reflect.get(win.parent.frames, storageTarget);
    return frame ? (frame as MessageTarget) : null;
  } catch {
    return null;
  }
}
