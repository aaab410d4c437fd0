import { pacer } from '../../../ops/dlq/replay';

/** `npm run dlq -- replay --rate N`: at most N messages per second on average, batch by batch. */
describe('pacer', () => {
  it('lets the first batch go at once, then spaces batches so the average stays at the rate', async () => {
    let now = 0;
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      now += ms;
    };
    const pace = pacer(5, sleep, () => now);
    for (let i = 0; i < 4; i++) await pace(10);
    // 10 messages at 5/s take 2 s each: batches start at 0, 2, 4, 6 s.
    expect(waits).toEqual([2000, 2000, 2000]);
    expect(now).toBe(6000);
  });

  it('does not wait when the work itself is slower than the rate', async () => {
    let now = 0;
    const waits: number[] = [];
    const pace = pacer(100, async (ms) => void waits.push(ms), () => now);
    for (let i = 0; i < 3; i++) {
      await pace(10);
      now += 500; // each batch takes 0.5 s to move, more than the 0.1 s the rate allows
    }
    expect(waits).toEqual([]);
  });
});
