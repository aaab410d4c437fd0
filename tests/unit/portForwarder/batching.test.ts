import { createHash } from 'node:crypto';
import { planRequests, splitRequest, WIRE_LIMITS } from '../../../functions/portForwarder/batching';
import { triage, type Accepted } from '../../../functions/portForwarder/triage';
import { MAX_REQUEST_BYTES, WIRE_SOURCE } from '../../../functions/portForwarder/wire';
import { ec2Event, entity, sqsRecord } from './factories';

const accept = (body: unknown): Accepted => {
  const t = triage(sqsRecord(body));
  if (t.kind === 'reject') throw new Error(t.reason);
  return t;
};
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('planRequests', () => {
  it('builds the decided wire format: deterministic id over item ids, items unchanged and in order', () => {
    const events = [ec2Event(), ec2Event()];
    const ent = entity();
    const items = [accept(events[0]), accept(ent), accept(events[1])];
    const [req, ...rest] = planRequests(items);
    expect(rest).toHaveLength(0);
    const wire = JSON.parse(req!.body);
    expect(wire).toEqual({ id: req!.id, source: WIRE_SOURCE, items: [events[0], ent, events[1]] });
    expect(req!.id).toBe(sha256([events[0]!.id, items[1]!.messageId, events[1]!.id].join(',')));
    expect(planRequests(items)[0]!.id).toBe(req!.id);
  });

  it('never puts more than 500 items in a request', () => {
    const items = Array.from({ length: 1201 }, () => accept(ec2Event()));
    const reqs = planRequests(items);
    expect(reqs.map((r) => r.items.length)).toEqual([500, 500, 201]);
    expect(reqs.flatMap((r) => r.items)).toEqual(items);
  });

  it('never lets a request body exceed 512 KiB, packing as many items as fit', () => {
    const items = Array.from({ length: 40 }, () => accept(ec2Event({ detail: { blob: 'y'.repeat(60_000) } })));
    const reqs = planRequests(items);
    for (const r of reqs) {
      expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
      expect(JSON.parse(r.body).items).toHaveLength(r.items.length);
    }
    // a request plus the next item would overflow: the packing is tight
    for (let i = 0; i < reqs.length - 1; i++) {
      const next = reqs[i + 1]!.items[0]!;
      expect(Buffer.byteLength(reqs[i]!.body) + 1 + next.bytes).toBeGreaterThan(MAX_REQUEST_BYTES);
    }
    expect(reqs.flatMap((r) => r.items)).toEqual(items);
  });

  it('honours smaller limits and sends nothing for no items', () => {
    const items = Array.from({ length: 7 }, () => accept(ec2Event()));
    expect(planRequests(items, { ...WIRE_LIMITS, maxItems: 3 }).map((r) => r.items.length)).toEqual([3, 3, 1]);
    expect(planRequests([])).toEqual([]);
  });
});

describe('splitRequest', () => {
  it('halves the items into two valid requests with their own ids', () => {
    const items = Array.from({ length: 5 }, () => accept(ec2Event()));
    const [req] = planRequests(items);
    const [a, b] = splitRequest(req!);
    expect(a.items).toEqual(items.slice(0, 3));
    expect(b.items).toEqual(items.slice(3));
    expect(JSON.parse(a.body).id).toBe(a.id);
    expect(new Set([req!.id, a.id, b.id]).size).toBe(3);
  });
});
