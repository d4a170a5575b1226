import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JitSession, JitSessionListResponse } from '@coursecast/api';
import { publicBaseUrl, type Config } from '../config.js';

/** The fields of a session the table shows. */
type SessionRow = Pick<
  JitSession,
  'id' | 'itemId' | 'mode' | 'segments' | 'encoder' | 'ageSeconds' | 'idleSeconds'
>;

async function adminToken(config: Config): Promise<string | null> {
  if (config.adminToken) return config.adminToken;
  try {
    return (await readFile(path.join(config.dataDir, 'admin-token'), 'utf8')).trim();
  } catch {
    return null;
  }
}

/** Formats seconds as `1h02m`, `3m05s` or `42s`. */
export function formatAge(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Renders the session list as a table (or a line saying there are none). */
export function sessionsTable(rows: SessionRow[]): string {
  if (rows.length === 0) return 'no active just-in-time sessions\n';
  const lines = [['SESSION', 'ITEM', 'PLAN', 'ENCODER AT', 'WRITTEN', 'AGE', 'IDLE']];
  for (const r of rows) {
    lines.push([
      r.id,
      r.itemId,
      r.mode,
      r.encoder
        ? `seg ${r.encoder.position} (from ${r.encoder.startIndex}, #${r.encoder.generation})`
        : 'stopped',
      `${r.segments.written}/${r.segments.total}`,
      formatAge(r.ageSeconds),
      formatAge(r.idleSeconds),
    ]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return `${lines
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** `coursecast sessions`: asks the running server (this config's URL and admin token); returns the exit code. */
export async function sessionsCommand(config: Config, url: string | undefined): Promise<number> {
  const base = (url ?? publicBaseUrl(config)).replace(/\/$/, '');
  const token = await adminToken(config);
  if (!token) {
    process.stderr.write(
      'coursecast: no admin token (set COURSECAST_ADMIN_TOKEN or run from the data dir)\n',
    );
    return 1;
  }
  let res: Response;
  try {
    res = await fetch(`${base}/api/sessions`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    process.stderr.write(
      `coursecast: cannot reach ${base} (${(err as Error).message}); is the server running?\n`,
    );
    return 1;
  }
  if (!res.ok) {
    process.stderr.write(`coursecast: ${base}/api/sessions answered ${res.status}: ${await res.text()}\n`);
    return 1;
  }
  const { sessions } = (await res.json()) as JitSessionListResponse;
  process.stdout.write(sessionsTable(sessions));
  return 0;
}
