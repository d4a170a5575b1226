/** ffprobe's `-of csv=p=1` output over packets: the format's start time and each packet line's columns. */
export interface PacketCsv {
  /** The container's start_time (0 when absent): packet times are made relative to it. */
  start: number;
  /** Each `packet,...` line's columns after the `packet` tag, in demuxing order. */
  packets: string[][];
}

/** Splits ffprobe's `packet,...` and `format,<start_time>` CSV lines; other lines are ignored. */
export function parsePacketCsv(text: string): PacketCsv {
  let start = 0;
  const packets: string[][] = [];
  for (const raw of text.split('\n')) {
    const cols = raw.trim().split(',');
    if (cols[0] === 'format') {
      const s = Number.parseFloat(cols[1] ?? '');
      if (Number.isFinite(s)) start = s;
    } else if (cols[0] === 'packet') {
      packets.push(cols.slice(1));
    }
  }
  return { start, packets };
}
