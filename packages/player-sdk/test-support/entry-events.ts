// What the SDK's separate entries' tests share: a video the test plays by hand, and the attributes of the one event a
// report carried, read as the server would.

/** A video whose events the test fires by hand; its fields are the test's to set. */
export function fakeVideo(): {
  paused: boolean;
  currentTime: number;
  playbackRate: number;
  addEventListener(t: string, f: () => void): void;
  removeEventListener(t: string, f: () => void): void;
  emit(t: string): void;
} {
  const listeners = new Map<string, Set<() => void>>();
  return {
    paused: true,
    currentTime: 0,
    playbackRate: 1,
    addEventListener: (t, f) => void (listeners.get(t) ?? listeners.set(t, new Set()).get(t)!).add(f),
    removeEventListener: (t, f) => void listeners.get(t)?.delete(f),
    emit: (t) => listeners.get(t)?.forEach((f) => f()),
  };
}

/** An event's name and attributes. */
export type Sent = Record<string, unknown>;

/** The attributes of the one event a report sent, as the server would read them. */
export function attributesOf(init: RequestInit | undefined): Sent {
  const body = JSON.parse(init?.body as string) as {
    resourceLogs: {
      scopeLogs: {
        logRecords: { eventName: string; attributes: { key: string; value: Record<string, unknown> }[] }[];
      }[];
    }[];
  };
  const record = body.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
  const out: Sent = { name: record.eventName };
  for (const a of record.attributes) {
    const v = a.value;
    out[a.key] =
      v['stringValue'] ??
      (v['intValue'] !== undefined ? Number(v['intValue']) : (v['doubleValue'] ?? v['boolValue']));
  }
  return out;
}
