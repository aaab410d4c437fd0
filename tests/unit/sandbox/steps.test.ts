import { StartupSteps, STARTUP_STEPS } from '../../../sandbox/steps';

describe('StartupSteps', () => {
  it('lists every step pending, then records status, duration and detail of each run', async () => {
    let now = 1000;
    const lines: string[] = [];
    const steps = new StartupSteps((l) => lines.push(l), () => now);
    expect(steps.list().map((s) => [s.id, s.status])).toEqual(STARTUP_STEPS.map(([id]) => [id, 'pending']));

    const out = await steps.run('moto', async () => {
      now += 2500;
      return { endpoint: 'http://127.0.0.1:5000' };
    }, (m) => m.endpoint);
    expect(out.endpoint).toBe('http://127.0.0.1:5000');
    expect(steps.list().find((s) => s.id === 'moto')).toMatchObject({ status: 'done', ms: 2500, detail: 'http://127.0.0.1:5000' });
    expect(lines).toEqual(['… moto_server (local AWS)', '✔ moto_server (local AWS) (2.5 s): http://127.0.0.1:5000']);
  });

  it('records a failing step with its reason and rethrows', async () => {
    const steps = new StartupSteps();
    await expect(steps.run('stack', () => Promise.reject(new Error('CREATE_FAILED')))).rejects.toThrow('CREATE_FAILED');
    expect(steps.list().find((s) => s.id === 'stack')).toMatchObject({ status: 'failed', detail: 'CREATE_FAILED' });
  });

  it('starts no step once halted, and the list is a copy', async () => {
    const steps = new StartupSteps();
    steps.halt();
    const work = jest.fn(async () => 1);
    await expect(steps.run('offline', work)).rejects.toThrow(/^stopped before: Functions under serverless-offline/);
    expect(work).not.toHaveBeenCalled();
    steps.list()[0]!.status = 'done';
    expect(steps.list()[0]!.status).toBe('pending');
  });
});
