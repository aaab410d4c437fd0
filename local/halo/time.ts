/**
 * Halo timestamps: ISO-8601 UTC with 0–6 fractional digits (`…18.86Z` next to `…18.856Z`), so they
 * must be compared as instants, never as strings. Instants here are integer microseconds.
 */

/** Microseconds since the epoch; naive timestamps (no zone) count as UTC. Undefined if unparseable. */
export function haloInstant(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso.trim());
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3] ?? 'Z'}`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return seconds * 1000 + fraction;
}

const dayPrefixes = new Map<number, string>();
const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The way Halo prints an instant: trailing zeros of the fraction dropped. */
export function haloTimestamp(micros: number): string {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros - whole * 1_000_000).padStart(6, '0').replace(/0+$/, '');
  // Formatting by hand with a per-day cache: Date#toISOString dominates bulk data generation.
  const day = Math.floor(whole / 86_400);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const s = whole - day * 86_400;
  const base = `${prefix}${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return fraction === '' ? `${base}Z` : `${base}.${fraction}Z`;
}

export const micros = (date: Date | number): number => (typeof date === 'number' ? date : date.getTime()) * 1000;

/** The issue's last change: max of created_at, last_seen_at, resolved_at, updated_at. */
export function lastChangeOf(issue: { created_at: string; last_seen_at: string; resolved_at: string | null; updated_at: string }): number {
  let latest = 0;
  for (const t of [issue.created_at, issue.last_seen_at, issue.resolved_at, issue.updated_at]) {
    const v = haloInstant(t);
    if (v !== undefined && v > latest) latest = v;
  }
  return latest;
}
