import path from 'node:path';
import { HLS_LAYOUT, variantPlaylistPath } from '../hls-layout.js';
import { readInitSegment } from '../init-segment-codecs.js';
import { renderMasterPlaylist } from '../master-playlist-write.js';
import { liveRunFiles } from './live-args.js';
import type { LiveLadderPlan } from './live-ladder-plan.js';

/** Peak over average that a capped live rung may reach (its VBV maxrate), and a copied input is allowed. */
const PEAK_RATIO = 1.1;
const COPY_PEAK_RATIO = 1.5;

/**
 * The live lecture's master playlist, from its ladder and the codecs each rung's init segment of run `run` declares
 * (so a copied rung says the publisher's own profile and level). Null until every rung has written its init.
 * `inputBitrate` (bps, measured) sizes a copied rung; otherwise its planned estimate does.
 */
export async function buildLiveMaster(
  outDir: string,
  plan: LiveLadderPlan,
  run: number,
  inputBitrate: number | null,
): Promise<string | null> {
  const initOf = (name: string): string =>
    path.join(outDir, name, liveRunFiles(run).init.replace('%v', name));
  const audio = plan.audio;
  const audioCodec = audio ? (await readInitSegment(initOf(audio.name)).catch(() => null))?.codec : null;
  if (audio && !audioCodec) return null;
  if (plan.rungs.length === 0 && audio) {
    return renderMasterPlaylist({
      audioOnly: {
        uri: variantPlaylistPath(audio.name),
        bandwidth: audio.bitrate * PEAK_RATIO,
        averageBandwidth: audio.bitrate,
        codecs: audioCodec!,
      },
    });
  }
  const variants = [];
  for (const rung of plan.rungs) {
    const info = await readInitSegment(initOf(rung.name)).catch(() => null);
    if (!info?.codec) return null;
    const average = rung.mode === 'copy' ? Math.max(inputBitrate ?? 0, rung.bitrate) : rung.bitrate;
    const peak = average * (rung.mode === 'copy' ? COPY_PEAK_RATIO : PEAK_RATIO);
    const audioRate = audio?.bitrate ?? 0;
    variants.push({
      uri: variantPlaylistPath(rung.name),
      bandwidth: peak + audioRate,
      averageBandwidth: average + audioRate,
      width: rung.width,
      height: rung.height,
      frameRate: plan.frameRate,
      codecs: audioCodec ? `${info.codec},${audioCodec}` : info.codec,
    });
  }
  const group = audio
    ? [
        {
          uri: variantPlaylistPath(audio.name),
          groupId: HLS_LAYOUT.audioGroupId,
          name: 'Audio',
          channels: 2,
          default: true,
        },
      ]
    : null;
  return renderMasterPlaylist({ variants, audio: group });
}
