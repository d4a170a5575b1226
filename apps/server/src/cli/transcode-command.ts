import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_LADDER_OPTIONS, planLadder, probeMedia, transcodeVodHls } from '@coursecast/media';
import type { Config } from '../config.js';
import { createProgressBar } from './progress-bar.js';

export interface TranscodeCommandOptions {
  out?: string;
  ladder?: number[];
}

/** `coursecast transcode <file>`: the VOD pipeline without a server, with a progress bar. */
export async function transcodeCommand(
  file: string,
  options: TranscodeCommandOptions,
  config: Config,
): Promise<number> {
  const input = path.resolve(file);
  const st = await stat(input).catch(() => null);
  if (!st?.isFile()) {
    process.stderr.write(`coursecast transcode: ${file}: no such file\n`);
    return 1;
  }
  const outDir = path.resolve(options.out ?? `${path.basename(input, path.extname(input))}-hls`);
  if (await stat(outDir).catch(() => null)) {
    process.stderr.write(`coursecast transcode: ${outDir} already exists; choose another --out\n`);
    return 1;
  }
  const info = await probeMedia(input, { ffprobePath: config.ffprobePath });
  const plan = planLadder(info, {
    ...DEFAULT_LADDER_OPTIONS,
    heights: options.ladder ?? config.transcode.ladder,
    segmentSeconds: config.transcode.segmentSeconds,
    audioBitrate: config.transcode.audioBitrate,
    allowCopy: config.transcode.allowCopy,
    preset: config.transcode.preset,
  });
  const v = info.video;
  process.stderr.write(
    `source: ${info.container}, ${info.durationSeconds.toFixed(1)} s, ` +
      `${v ? `${v.codec} ${v.width}x${v.height} ${v.frameRate.toFixed(2)} fps` : 'no video'}, ` +
      `${info.audio ? `${info.audio.codec} audio` : 'no audio'}\n` +
      `ladder: ${plan.rungs.map((r) => `${r.name} (${r.mode}, ${Math.round(r.videoBitrate / 1000)} kb/s)`).join(', ') || 'audio only'}\n`,
  );
  const bar = createProgressBar('transcoding');
  try {
    const result = await transcodeVodHls({
      input,
      outDir,
      plan,
      durationSeconds: info.durationSeconds,
      ffmpegPath: config.ffmpegPath,
      ffprobePath: config.ffprobePath,
      timeoutMs: config.transcode.timeoutSeconds * 1000,
      onProgress: (p) => bar.update(p.percent, p.speed, p.etaSeconds),
    });
    bar.update(100, result.speed, 0);
    bar.stop();
    process.stdout.write(`${path.join(outDir, result.masterPlaylist)}\n`);
    for (const r of result.rungs) {
      process.stderr.write(
        `  ${r.name.padEnd(6)} ${r.mode.padEnd(6)} ${String(r.segmentCount).padStart(4)} segments, ` +
          `avg ${Math.round(r.averageBitrate / 1000)} kb/s, peak ${Math.round(r.peakBitrate / 1000)} kb/s, ${r.codecs}\n`,
      );
    }
    process.stderr.write(
      `done in ${result.wallSeconds.toFixed(1)} s (${result.speed.toFixed(2)}x realtime)\n`,
    );
    return 0;
  } finally {
    bar.stop();
  }
}
