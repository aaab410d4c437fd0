import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT, type Io } from '../../../shared/cli';
import type { CheckResult } from '../../../ops/doctor/checks';
import { runDoctor } from '../../../ops/doctor/command';
import { DEFAULT_CUSTOM_FIELDS, DEFAULT_WORKFLOW, jiraSyncEnv, startJiraStub, type JiraStub, type JiraStubOptions } from '../../../local/jira';

jest.setTimeout(30_000);

/** The configuration the stand-in's default site is set up for. */
function envFor(stub: JiraStub, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...jiraSyncEnv(stub),
    HALO_API_KEY: 'halo-key',
    HALO_API_SECRET_KEY: 'halo-secret',
    JIRA_FIELD_MAPPING: 'issue_critical:Halo Critical;issue_source:customfield_10052',
    JIRA_FIELD_STATIC: 'Halo Type:sva;labels:halo-sync',
    ...overrides,
  };
}

async function doctor(stubOptions: JiraStubOptions, overrides: Record<string, string> = {}, argv: string[] = ['--json']) {
  const stub = await startJiraStub({ searchLagMs: 0, ...stubOptions });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: Io = { env: envFor(stub, overrides), out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
  try {
    const code = await runDoctor(argv, io);
    const out = stdout.join('\n');
    const checks = argv.includes('--json') && out.startsWith('{') ? ((JSON.parse(out) as { checks?: CheckResult[] }).checks ?? []) : [];
    return { code, out, err: stderr.join('\n'), checks, byId: Object.fromEntries(checks.map((c) => [c.id, c])), violations: [...stub.violations] };
  } finally {
    await stub.stop();
  }
}

const failing = (checks: CheckResult[]): string[] => checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('npm run jira:doctor (against the Jira stand-in)', () => {
  test('a correct configuration passes every check, exit 0, and every request is valid by contract', async () => {
    const r = await doctor({});
    expect(r.code).toBe(EXIT.ok);
    expect(r.checks.map((c) => c.id)).toEqual([
      'credentials', 'project', 'issue-type', 'id-field', 'close-transition', 'reopen-transition',
      'statuses', 'mapped-fields', 'static-fields', 'required-fields', 'permissions', 'typed-fields', 'bulk-change',
    ]);
    expect(r.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(r.byId['close-transition']?.detail).toContain('Open, In Progress → Closed');
    expect(r.violations).toEqual([]);
  });

  test('the human checklist shows ✔ lines and a summary', async () => {
    const r = await doctor({}, {}, []);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out.split('\n').filter((l) => l.startsWith('✔ '))).toHaveLength(13);
    expect(r.out).toMatch(/13 checks: 13 passed, 0 failed/);
  });

  test('wrong token: credentials fail with the fix, the rest is skipped, exit 1', async () => {
    const r = await doctor({}, { JIRA_API_TOKEN: 'not-the-token' }, []);
    expect(r.code).toBe(EXIT.failure);
    expect(r.out).toMatch(/✘ credentials: Jira rejected JIRA_API_USER=halo-sync@example.com .*HTTP 401/);
    expect(r.out).toContain('fix: create an API token');
    expect(r.out).not.toContain('not-the-token');
    expect(r.out).toMatch(/- project: skipped/);
  });

  test('missing id field → id-field fails with how to create it', async () => {
    const r = await doctor({ customFields: DEFAULT_CUSTOM_FIELDS.filter((f) => f.name !== 'Halo Issue ID') });
    expect(r.code).toBe(EXIT.failure);
    expect(failing(r.checks)).toEqual(['id-field']);
    expect(r.byId['id-field']?.detail).toContain('JIRA_ISSUE_ID_FIELD="Halo Issue ID" is neither the id nor the name');
    expect(r.byId['id-field']?.fix).toMatch(/Text Field \(single line\)/);
  });

  test('id field not on the create screen → fails naming the screen', async () => {
    const r = await doctor({ customFields: DEFAULT_CUSTOM_FIELDS.map((f) => (f.name === 'Halo Issue ID' ? { ...f, onScreen: false } : f)) });
    expect(r.code).toBe(EXIT.failure);
    expect(r.byId['id-field']).toMatchObject({ status: 'fail' });
    expect(r.byId['id-field']?.detail).toContain('not on the create screen of SEC/Bug');
  });

  test('missing reopen transition → reopen-transition fails listing the transitions that exist', async () => {
    const workflow = { ...DEFAULT_WORKFLOW, transitions: DEFAULT_WORKFLOW.transitions.filter((t) => t.name !== 'Reopen') };
    const r = await doctor({ workflow });
    expect(r.code).toBe(EXIT.failure);
    expect(failing(r.checks)).toEqual(['reopen-transition']);
    expect(r.byId['reopen-transition']?.detail).toMatch(/no transition named "Reopen".*"Close"/);
    expect(r.byId['reopen-transition']?.fix).toContain('ISSUE_REOPEN_TRANSITION');
  });

  test('a close transition that leads elsewhere → fails saying where it leads', async () => {
    const r = await doctor({}, { ISSUE_CLOSE_TRANSITION: 'Start' });
    expect(r.code).toBe(EXIT.failure);
    expect(r.byId['close-transition']?.detail).toBe('"Start" leads to "In Progress", not to ISSUE_STATUS_CLOSED="Closed"');
  });

  test('missing closed status → statuses and both transitions fail', async () => {
    const workflow = {
      ...DEFAULT_WORKFLOW,
      statuses: DEFAULT_WORKFLOW.statuses.map((s) => (s.name === 'Closed' ? { ...s, name: 'Done' } : s)),
      transitions: DEFAULT_WORKFLOW.transitions.map((t) => ({ ...t, from: t.from.map((f) => (f === 'Closed' ? 'Done' : f)), to: t.to === 'Closed' ? 'Done' : t.to })),
    };
    const r = await doctor({ workflow });
    expect(r.code).toBe(EXIT.failure);
    expect(failing(r.checks).sort()).toEqual(['close-transition', 'reopen-transition', 'statuses']);
    expect(r.byId.statuses?.detail).toMatch(/^"Closed" not among the statuses of SEC\/Bug/);
    expect(r.byId.statuses?.fix).toContain('ISSUE_STATUS_CLOSED');
  });

  test('denied permission → permissions fail naming it and what it is for', async () => {
    const r = await doctor({ deniedPermissions: ['TRANSITION_ISSUES'] });
    expect(r.code).toBe(EXIT.failure);
    expect(failing(r.checks)).toEqual(['permissions']);
    expect(r.byId.permissions?.detail).toContain('lacks TRANSITION_ISSUES (to close and reopen tickets) in SEC');
    expect(r.byId.permissions?.fix).toContain('Project settings → Permissions');
  });

  test('static value outside the options and an unknown mapped field → both field checks fail', async () => {
    const r = await doctor({}, { JIRA_FIELD_STATIC: 'Halo Type:nope', JIRA_FIELD_MAPPING: 'issue_name:No Such Field' });
    expect(r.code).toBe(EXIT.failure);
    // typed-fields too: jiraSync itself would refuse to start with these.
    expect(failing(r.checks).sort()).toEqual(['mapped-fields', 'static-fields', 'typed-fields']);
    expect(r.byId['static-fields']?.detail).toMatch(/"Halo Type" \(customfield_10053\) cannot take "nope": "nope" is not one of its options/);
    expect(r.byId['mapped-fields']?.detail).toContain('"No Such Field" is not a field on this site');
  });

  test('issue type named in the wrong case → fails with the right name', async () => {
    const r = await doctor({}, { JIRA_ISSUE_TYPE: 'bug' });
    expect(r.code).toBe(EXIT.failure);
    expect(r.byId['issue-type']).toMatchObject({ status: 'fail' });
    expect(r.byId['issue-type']?.detail).toContain('did you mean "Bug"');
  });

  test('--env-file supplies the configuration; invalid configuration exits 2 naming the variable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'doctor-'));
    try {
      const stub = await startJiraStub({ searchLagMs: 0 });
      try {
        const file = path.join(dir, '.env');
        const lines = Object.entries(envFor(stub)).map(([k, v]) => `${k}="${v.replace(/"/g, '\\"')}"`);
        writeFileSync(file, ['# doctor test', ...lines].join('\n'));
        const out: string[] = [];
        const code = await runDoctor(['--env-file', file, '--json'], { env: {}, out: (l) => out.push(l), err: () => undefined });
        expect(code).toBe(EXIT.ok);
        expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: true, project: 'SEC' });
      } finally {
        await stub.stop();
      }
      const err: string[] = [];
      const bad = await runDoctor([], { env: { JIRA_API_URL: 'not a url' }, out: () => undefined, err: (l) => err.push(l) });
      expect(bad).toBe(EXIT.usage);
      expect(err.join('\n')).toMatch(/JIRA_API_URL="not a url"; expected/);
      expect(err.join('\n')).toContain('JIRA_PROJECT_KEY is not set');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the npm entry point exits 1 on a failing check and 0 when all pass (real process)', async () => {
    const stub = await startJiraStub({ searchLagMs: 0, deniedPermissions: ['ADD_COMMENTS'] });
    const root = path.resolve(__dirname, '../../..');
    // Async spawn: the stand-in answers from this process's event loop.
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'ops/jira-doctor.ts'], {
          cwd: root, env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
    try {
      const denied = await run(envFor(stub));
      expect(denied.code).toBe(1);
      expect(denied.out).toMatch(/✘ permissions: .*ADD_COMMENTS/);
      const usage = await run({ ...envFor(stub), JIRA_PROJECT_KEY: '' });
      expect(usage.code).toBe(2);
    } finally {
      await stub.stop();
    }
  });
});

describe('npm run jira:doctor: typed field values and bulk transitions', () => {
  test('reports the typing problems that would stop a sync run: ambiguous names with candidate ids, untypeable values', async () => {
    const r = await doctor({}, { JIRA_FIELD_STATIC: 'Team:Platform;Priority:Urgent;Due date:2026-11-23T10:00:00;Halo Type:sva' });
    expect(r.code).toBe(EXIT.failure);
    const typed = r.byId['typed-fields']!;
    expect(typed.status).toBe('fail');
    expect(typed.detail).toContain('JIRA_FIELD_STATIC "Team"');
    expect(typed.detail).toMatch(/customfield_10060 \(select list\), customfield_10061 \(string\)/);
    expect(typed.detail).toMatch(/"Urgent" is not a priority of this site/);
    expect(typed.detail).toMatch(/"2026-11-23T10:00:00" is not a date/);
    expect(typed.fix).toMatch(/by id/);
    expect(r.violations).toEqual([]);
  });

  test('shows what typed static values are sent when they are right', async () => {
    const r = await doctor({}, { JIRA_FIELD_STATIC: 'customfield_10060:security;Risk Area:Host -> Linux;Halo Type:sva' });
    expect(r.byId['typed-fields']).toMatchObject({ status: 'pass' });
    expect(r.byId['typed-fields']!.detail).toContain('customfield_10058 ← {"value":"Host","child":{"value":"Linux"}}');
    expect(r.byId['typed-fields']!.detail).toContain('customfield_10060 ← {"value":"Security"}');
  });

  test('warns (does not fail) without the global Make bulk changes permission', async () => {
    const r = await doctor({ deniedPermissions: ['BULK_CHANGE'] });
    expect(r.code).toBe(EXIT.ok);
    expect(r.byId['bulk-change']).toMatchObject({ status: 'warn', detail: expect.stringMatching(/fall back to one transition request per ticket/) });
  });
});
