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

/** The shared audio rendition group of a video ladder. */
interface MasterAudioRendition {
  uri: string;
  groupId: string;
  name: string;
  channels: number;
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
  { variants: MasterVariant[]; audio: MasterAudioRendition | null } | { audioOnly: MasterAudioOnly };

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
  const { audio } = input;
  if (audio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=${quoted(audio.groupId)},NAME=${quoted(audio.name)},` +
        `DEFAULT=YES,AUTOSELECT=YES,CHANNELS=${quoted(String(audio.channels))},URI=${quoted(audio.uri)}`,
    );
  }
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
