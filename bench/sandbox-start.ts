/**
 * Figures for `npm start`: time to the dashboard URL, to ready (per start-up step), to one ticket
 * per demo issue, to the first Port entities, and to a complete stop.
 * `npx tsx bench/sandbox-start.ts [runs=2] [issues=40]`
 */
import { startSandbox } from '../sandbox';

const runs = Number(process.argv[2] ?? 2);
const issues = Number(process.argv[3] ?? 40);
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function once(run: number): Promise<void> {
  const t0 = Date.now();
  const sandbox = await startSandbox({ issues, eventEveryMs: 0 });
  const dashboard = Date.now() - t0;
  try {
    await sandbox.ready;
    const ready = Date.now() - t0;
    await until(async () => (await sandbox.snapshot()).runs.some((r) => r.fn === 'jiraSync'), 120_000);
    const tickets = Date.now() - t0;
    await until(async () => (sandbox.state.world?.port.entities().length ?? 0) > 0, 120_000);
    const entities = Date.now() - t0;
    const snap = await sandbox.snapshot();
    const t1 = Date.now();
    await sandbox.stop();
    const steps = snap.steps.map((st) => `${st.id} ${s(st.ms ?? 0)}`).join(', ');
    console.log(
      `run ${run}: dashboard ${s(dashboard)} · ready ${s(ready)} (${steps}) · ${snap.jira.length} tickets for ${snap.halo.length} issues at ${s(tickets)} · ` +
        `first entities at ${s(entities)} · stop ${s(Date.now() - t1)}`,
    );
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
}

async function main(): Promise<void> {
  process.removeAllListeners('warning');
  for (let i = 1; i <= runs; i++) await once(i);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
