import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startSandbox, type Sandbox, type Snapshot } from '../../../sandbox';
import { groupAlive } from '../../../sandbox/processes';
import { MOTO_ACCOUNT, motoAvailable, MOTO_MISSING } from '../../../local/aws/moto';
import { listening, portOf, processes, waitFor } from './helpers';

/**
 * `npm start` as a user gets it: the whole sandbox started programmatically, checked through its
 * state and in a real headless browser, then stopped with nothing left behind.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', '..', 'test-artifacts');
const haveMoto = motoAvailable();
if (!haveMoto) console.warn(`sandbox e2e skipped: ${MOTO_MISSING}`);
const haveChromium = fs.existsSync(CHROMIUM);

jest.setTimeout(180_000);

(haveMoto ? describe : describe.skip)('npm start sandbox', () => {
  let sandbox: Sandbox;
  let browser: Browser | undefined;
  // Function logs with arrival times, shown when a wait times out.
  const offlineLines: string[] = [];

  beforeAll(async () => {
    // No timed event stream: the test emits what it checks; 24 issues keep the run short.
    sandbox = await startSandbox({
      issues: 24,
      seed: 11,
      eventEveryMs: 0,
      onOfflineLine: (line) => void offlineLines.push(`${new Date().toISOString().slice(11, 23)} ${line.slice(0, 300)}`),
    });
    await sandbox.ready;
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  }, 60_000);

  it('files exactly one Jira ticket per demo Halo issue', async () => {
    // The sync that starts with the sandbox (or the scheduled one) brings Jira in line with Halo.
    const inLine = (s: Snapshot): boolean => {
      const statusOf = new Map(s.jira.map((t) => [t.haloIssueId, t.status]));
      return s.halo.length > 0 && s.halo.every((i) => statusOf.get(i.id) === (i.status === 'active' ? 'Open' : 'Closed'));
    };
    const snap = await withLogs(waitFor('one Open/Closed ticket per Halo issue', () => sandbox.snapshot(), inLine, 90_000));
    const perIssue = new Map<string, number>();
    for (const t of snap.jira) perIssue.set(t.haloIssueId, (perIssue.get(t.haloIssueId) ?? 0) + 1);
    expect(snap.halo).toHaveLength(24);
    expect(new Set(snap.halo.map((i) => i.type)).size).toBeGreaterThan(2);
    expect(new Set(snap.halo.map((i) => i.status))).toEqual(new Set(['active', 'resolved']));
    expect(snap.jira).toHaveLength(snap.halo.length);
    for (const issue of snap.halo) expect([issue.id, perIssue.get(issue.id)]).toEqual([issue.id, 1]);
    expect(sandbox.state.world!.jira.violations).toEqual([]);
  });

  it('turns the emitted sample events into the expected Port entities, with an empty DLQ', async () => {
    const effects = sandbox.state.sampleEffects ?? [];
    const expected = effects.filter((e) => e.deletes.length === 0).flatMap((e) => e.creates);
    expect(expected.length).toBeGreaterThan(5);
    const port = sandbox.state.world!.port;
    const missing = (): string[] => expected.filter((r) => !port.entity(r.blueprint, r.identifier)).map((r) => `${r.blueprint}/${r.identifier}`);
    await withLogs(waitFor('expected entities in Port', missing, (m) => m.length === 0, 60_000));
    // Port maps a request as soon as it answers 202; the forwarder's run is logged when the invocation returns.
    const forwarded = (s: Snapshot): boolean => s.runs.some((r) => r.fn === 'portForwarder' && r.ok);
    const snap = await withLogs(waitFor('a successful portForwarder run in the run log', () => sandbox.snapshot(), forwarded, 30_000));
    expect(snap.dlq.count).toBe(0);
    expect(snap.counters['Port mapping/write failures']).toBe(0);
    expect(snap.runs.filter((r) => r.fn === 'portForwarder').every((r) => r.ok)).toBe(true);
  });

  it('the first resync fills Port with the resources seeded into moto, before any sample event', async () => {
    const done = (s: Snapshot): boolean => s.resync !== undefined;
    const snap = await withLogs(waitFor('the resync on start', () => sandbox.snapshot(), done, 90_000));
    const { inventory, stack } = sandbox.state;
    const arn = (service: string, rest: string) => `arn:aws:${service}:eu-west-1:${MOTO_ACCOUNT}:${rest}`;
    const expected = [
      ...inventory!.ec2.map((id) => `ec2Instance ${id}`),
      ...inventory!.s3.map((b) => `s3Bucket ${b}`),
      ...inventory!.rds.map((id) => `rdsDbInstance ${arn('rds', `db:${id}`)}`),
      // The stack's own queues are resources of the account too.
      ...[...inventory!.sqs.map((u) => u.split('/').pop() as string), ...stack!.queues.map((q) => q.name)].map((name) => `sqsQueue ${arn('sqs', name)}`),
      ...inventory!.ecsClusters.flatMap((c) => [`ecsCluster ${c}`, `ecsService ${c.replace(':cluster/', ':service/')}/web`]),
      ...inventory!.eks.map((n) => `eksCluster ${arn('eks', `cluster/${n}`)}`),
      ...inventory!.lambda.map((n) => `lambdaFunction ${arn('lambda', `function:${n}`)}`),
    ];
    // The second simulated account, resynced through its spoke role: its entities carry its account.
    const { account, inventory: theirs } = sandbox.state.member!;
    const theirArn = (service: string, rest: string) => `arn:aws:${service}:eu-west-1:${account}:${rest}`;
    const member = [
      ...theirs.ec2.map((id) => `ec2Instance ${id}`),
      ...theirs.s3.map((b) => `s3Bucket ${b}`),
      ...theirs.sqs.map((u) => `sqsQueue ${theirArn('sqs', u.split('/').pop() as string)}`),
      ...theirs.lambda.map((n) => `lambdaFunction ${theirArn('lambda', `function:${n}`)}`),
    ];
    expect(account).not.toBe(MOTO_ACCOUNT);
    expect(member.length).toBeGreaterThan(0);
    expected.push(...member);
    expect(snap.resync).toMatchObject({ trigger: 'start', ok: true, complete: true, created: expected.length, updated: 0, deleted: 0, failed: 0 });
    expect(snap.resync!.durationMs).toBeGreaterThan(0);
    // Written through the webhook's ingest: Port maps them after answering 202.
    const port = sandbox.state.world!.port;
    const missing = (): string[] => expected.filter((e) => !port.entity(e.split(' ')[0]!, e.split(' ')[1]!));
    await withLogs(waitFor('the resynced entities in Port', missing, (m) => m.length === 0, 30_000));
    for (const e of member) expect(port.entity(e.split(' ')[0]!, e.split(' ')[1]!)?.relations).toMatchObject({ account });
    // The dashboard's entity rows name the account each entity belongs to.
    const rows = (await sandbox.snapshot()).port.flatMap((b) => b.entities);
    expect(new Set(rows.flatMap((r) => (r.account ? [r.account] : [])))).toEqual(new Set([MOTO_ACCOUNT, account]));
    expect(snap.runs.find((r) => r.fn === 'portResync')).toMatchObject({ trigger: 'start', ok: true });
  });

  (haveChromium ? it : it.skip)('dashboard: resolve a Halo issue, run jiraSync, see its ticket closed', async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(sandbox.dashboardUrl);
    await expectText(() => page.locator('#phase').textContent(), 'Ready');
    const snap: Snapshot = await sandbox.snapshot();
    const target = snap.halo.find((i) => i.status === 'active' && i.ticket);
    if (!target?.ticket) throw new Error('no active Halo issue with a ticket to resolve');
    const ticketRow = page.locator('#jira-body tr', { has: page.getByRole('rowheader', { name: target.ticket, exact: true }) });
    await expectText(() => ticketRow.textContent(), 'Open');
    expect(await page.locator('#port-count').textContent()).not.toBe('(0)');

    await page.getByRole('button', { name: `Resolve Halo issue ${target.name} (${target.id})` }).click();
    await expectText(() => page.locator('#announce').textContent(), `Resolved ${target.id}`);
    await page.getByRole('button', { name: 'Run jiraSync now' }).click();
    await expectText(() => page.locator('#announce').textContent(), 'jiraSync finished');
    await expectText(() => ticketRow.textContent(), 'Closed');
    await page.getByRole('button', { name: `Re-activate Halo issue ${target.name} (${target.id})` }).waitFor({ timeout: 30_000 });
    expect(await ticketRow.textContent()).toContain('Open → Closed');

    // The last resync, then one on demand: the sample events' entities name nothing moto holds, so it deletes them.
    await expectText(() => page.locator('#resync-body').textContent(), 'Created');
    await page.getByRole('button', { name: 'Run portResync now' }).click();
    await expectText(() => page.locator('#announce').textContent(), 'portResync finished');
    const resync = (await sandbox.snapshot()).resync!;
    expect(resync).toMatchObject({ trigger: 'manual', ok: true, complete: true, created: 0, updated: 0 });
    expect(resync.deleted).toBeGreaterThan(0);
    await expectText(() => page.locator('#resync-body').textContent(), `Deleted${resync.deleted}`);

    const sample = snap.samples[0]!;
    await page.getByLabel('Sample AWS event').selectOption(sample);
    await page.getByRole('button', { name: 'Emit event' }).click();
    await expectText(() => page.locator('#announce').textContent(), 'Emitted 1 event(s)');

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-dashboard.png'), fullPage: true });
    expect(sandbox.state.world!.jira.ticket(target.ticket)?.status).toBe('Closed');
  });

  it('stops everything: no child process and no port left', async () => {
    const { world, offline } = sandbox.state;
    const moto = world!.moto;
    const ports = [
      portOf(sandbox.dashboardUrl),
      moto.port,
      world!.halo.port,
      world!.jira.port,
      portOf(world!.port.apiUrl),
      portOf(world!.port.ingestBaseUrl),
      portOf(offline!.lambdaEndpoint),
    ];
    for (const p of ports) expect([p, await listening(p)]).toEqual([p, true]);
    const offlineGroup = offline!.process.pid;
    await browser?.close();
    browser = undefined;
    await sandbox.stop();
    for (const p of ports) expect([p, await listening(p)]).toEqual([p, false]);
    expect(groupAlive(offlineGroup)).toBe(false);
    const left = processes().filter((p) => p.pgid === offlineGroup || (/moto_server/.test(p.args) && p.args.includes(`-p ${moto.port}`)));
    expect(left).toEqual([]);
  });

  function withLogs<T>(wait: Promise<T>): Promise<T> {
    return wait.catch((err: Error) => {
      const jira = (sandbox.state.world?.jira.requests ?? []).slice(-8).map((r) => `${r.at.slice(11, 23)} ${r.route} → ${r.status}`);
      throw new Error(`${err.message}\nlast function logs:\n${offlineLines.slice(-30).join('\n')}\nlast Jira requests:\n${jira.join('\n')}`);
    });
  }

  async function expectText(read: () => Promise<string | null>, text: string, timeoutMs = 60_000): Promise<void> {
    await withLogs(waitFor(`text "${text}"`, async () => (await read()) ?? '', (t) => t.includes(text), timeoutMs));
  }
});
