/** A video variant as the master playlist advertises it (measured, or bounded in advance for a JIT session). */
interface MasterVariant {
  uri: string;
  /** Peak bps of the variant plus the audio rendition it plays with. */
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  /** null (or 0) when unknown: FRAME-RATE is then left out. */
  frameRate: number | null;
  /** RFC 6381 list, e.g. `avc1.64001f,mp4a.40.2`. */
  codecs: string;
}

/** One rendition of a video ladder's audio group. */
interface MasterAudioRendition {
  uri: string;
  groupId: string;
  name: string;
  channels: number;
  /** BCP 47; left out when unknown. */
  language?: string | null;
  /** The one a player plays without being asked; at most one per group (the first when none says). */
  default?: boolean;
  /** An audio description of the video (Apple's `public.accessibility.describes-video`). */
  description?: boolean;
}

/** An audio-only ladder's single variant. */
interface MasterAudioOnly {
  uri: string;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
}

/** What a master playlist lists: video variants (with an optional audio group), or audio only. */
export type MasterPlaylistInput =
  | { variants: MasterVariant[]; audio: readonly MasterAudioRendition[] | null }
  | { audioOnly: MasterAudioOnly };

/** The `#EXT-X-MEDIA:TYPE=AUDIO` line of one rendition (RFC 8216 4.4.6.1). */
function audioMediaTag(a: MasterAudioRendition, isDefault: boolean): string {
  const attrs = [
    'TYPE=AUDIO',
    `GROUP-ID=${quoted(a.groupId)}`,
    `NAME=${quoted(a.name)}`,
    ...(a.language ? [`LANGUAGE=${quoted(a.language)}`] : []),
    `DEFAULT=${isDefault ? 'YES' : 'NO'}`,
    'AUTOSELECT=YES',
    `CHANNELS=${quoted(String(a.channels))}`,
    ...(a.description ? [`CHARACTERISTICS=${quoted('public.accessibility.describes-video')}`] : []),
    `URI=${quoted(a.uri)}`,
  ];
  return `#EXT-X-MEDIA:${attrs.join(',')}`;
}

const quoted = (s: string): string => `"${s.replaceAll('"', "'")}"`;

/**
 * Pure: renders a master playlist from measured facts. HLS version 7 by default (the ladder's fMP4 segments); a
 * just-in-time session's MPEG-TS variant asks for 3, as its media playlist does.
 */
export function renderMasterPlaylist(input: MasterPlaylistInput, version: 3 | 7 = 7): string {
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${version}`, '#EXT-X-INDEPENDENT-SEGMENTS'];
  if ('audioOnly' in input) {
    const a = input.audioOnly;
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.ceil(a.bandwidth)},AVERAGE-BANDWIDTH=${Math.ceil(a.averageBandwidth)},CODECS=${quoted(a.codecs)}`,
      a.uri,
    );
    return `${lines.join('\n')}\n`;
  }
  const group = input.audio ?? [];
  const defaultAt = Math.max(
    0,
    group.findIndex((a) => a.default === true),
  );
  group.forEach((a, i) => lines.push(audioMediaTag(a, i === defaultAt)));
  const audio = group[0] ?? null;
  for (const v of input.variants) {
    const attrs = [
      `BANDWIDTH=${Math.ceil(v.bandwidth)}`,
      `AVERAGE-BANDWIDTH=${Math.ceil(v.averageBandwidth)}`,
      `RESOLUTION=${v.width}x${v.height}`,
      ...(v.frameRate ? [`FRAME-RATE=${v.frameRate.toFixed(3)}`] : []),
      `CODECS=${quoted(v.codecs)}`,
    ];
    if (audio) attrs.push(`AUDIO=${quoted(audio.groupId)}`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return `${lines.join('\n')}\n`;
}
