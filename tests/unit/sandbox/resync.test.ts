import { isResyncResult, resyncRowOf, resyncSummaryText } from '../../../sandbox/resync';

/** The dashboard's "last resync": portResync's answer → counts and duration, or the error. */
const at = new Date('2026-11-23T10:00:00Z');
const result = { runId: 'r', complete: false, pending: ['aws.lambda'], created: 3, updated: 2, deleted: 1, unchanged: 9, failed: 1, durationMs: 61_000, failures: [] };

describe('last resync', () => {
  it('keeps the counts and the duration of a resync that answered', () => {
    const row = resyncRowOf({ ok: true, result }, 'start', at);
    expect(row).toEqual({ at: at.toISOString(), trigger: 'start', ok: false, complete: false, created: 3, updated: 2, deleted: 1, unchanged: 9, failed: 1, durationMs: 61_000 });
    expect(resyncSummaryText(row)).toBe('created 3 · updated 2 · deleted 1 · unchanged 9 · 1 refused · 61.0 s · continues on the next run');
  });

  it('shows the error of a failed invocation, and of an answer that is no resync result', () => {
    expect(resyncRowOf({ ok: false, result: undefined, error: 'Task timed out' }, 'manual', at)).toEqual({ at: at.toISOString(), trigger: 'manual', ok: false, error: 'Task timed out' });
    const odd = resyncRowOf({ ok: true, result: { created: 'many' } }, 'manual', at);
    expect(odd).toMatchObject({ ok: false, error: 'unexpected answer: {"created":"many"}' });
    expect(resyncSummaryText(odd)).toBe('unexpected answer: {"created":"many"}');
  });

  it.each([[undefined], [null], [{}], [{ ...result, complete: 'yes' }], [{ ...result, durationMs: undefined }]])('%j is not a resync result', (v) => {
    expect(isResyncResult(v)).toBe(false);
  });
});
