import type { Letter } from './letter';

/** Human output for `dlq list` / `dlq replay`: a plain aligned table and short ages. */

export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return '?';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d${h % 24 ? `${h % 24}h` : ''}`;
}

const clip = (s: string, width: number): string => (s.length > width ? `${s.slice(0, width - 1)}…` : s);

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, lastColumnWidth = 80): string[] {
  const clipped = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? clip(cell, lastColumnWidth) : cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...clipped.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), ...clipped.map(line)];
}

export function letterRows(letters: readonly Letter[]): string[] {
  return table(
    ['MESSAGE ID', 'KIND', 'SOURCE', 'AGE', 'RECEIVES', 'REPLAYS', 'REASON'],
    letters.map((l) => [
      l.messageId,
      l.kind,
      l.source,
      formatAge(l.ageMs),
      l.receiveCount === undefined ? '?' : String(l.receiveCount),
      String(l.replayCount),
      l.kind === 'forwarder' && l.errorClass && !l.reason.startsWith(l.errorClass) ? `[${l.errorClass}] ${l.reason}` : l.reason,
    ]),
  );
}

/** The JSON shape of a letter in `--json` output (body left out: it can be large; `--bodies` adds it). */
export function letterJson(l: Letter, withBody = false): Record<string, unknown> {
  return {
    messageId: l.messageId,
    kind: l.kind,
    reason: l.reason,
    errorClass: l.errorClass ?? null,
    source: l.source,
    since: l.since?.toISOString() ?? null,
    ageSeconds: l.ageMs === undefined ? null : Math.floor(l.ageMs / 1000),
    receiveCount: l.receiveCount ?? null,
    replayCount: l.replayCount,
    originalMessageId: l.originalMessageId ?? null,
    ...(withBody ? { body: l.body } : {}),
  };
}
