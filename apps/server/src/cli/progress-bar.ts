import cliProgress from 'cli-progress';

/** A transcode progress bar: percent, speed (x realtime) and ETA; prints periodic lines when not a TTY. */
export interface ProgressBar {
  update(percent: number, speed: number | null, etaSeconds: number | null, label?: string): void;
  stop(): void;
}

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Creates a bar on the given stream (stderr by default, so stdout stays parseable). */
export function createProgressBar(title: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% | {speed} | ETA {etaText} {label}`,
      stream,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { speed: '  -.--x', etaText: '--:--', label: '' });
  let stopped = false;
  return {
    update(percent, speed, eta, label = '') {
      if (stopped) return;
      bar.update(Math.min(100, Math.max(0, Math.round(percent * 10) / 10)), {
        speed: speed === null ? '  -.--x' : `${speed.toFixed(2).padStart(6)}x`,
        etaText: formatEta(eta),
        label,
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
