import { seedInventory, type Seeded } from '../../../local/aws/inventory';
import { motoAvailable, MOTO_MISSING, startMoto, type Moto } from '../../../local/aws/moto';
import { putSecureString } from '../../../local/aws/seed';
import { startPortStub, type PortStub } from '../../../local/port';
import { runPortResync } from '../../../ops/port-resync';
import { EXIT } from '../../../shared/cli';

/**
 * `npm run port:resync` in-process against moto and the Port stand-in: the client secret from an
 * SSM SecureString (as the installer stores it), the result, the exit codes.
 */
jest.setTimeout(120_000);
const haveMoto = motoAvailable();
if (!haveMoto) console.warn(`port:resync integration skipped: ${MOTO_MISSING}`);

(haveMoto ? describe : describe.skip)('npm run port:resync', () => {
  let moto: Moto;
  let port: PortStub;
  let seeded: Seeded;
  const saved = { ...process.env };
  const SECRET_PARAM = '/halo-jira-port/ops-test/port-client-secret';

  beforeAll(async () => {
    [moto, port] = await Promise.all([startMoto('eu-west-1'), startPortStub({ blueprints: true })]);
    // The function's AWS clients (and the SSM reader) take the endpoint the standard way, from the environment.
    Object.assign(process.env, moto.env);
    seeded = await seedInventory(moto.aws, { ec2: 1, sqs: 1 }, 'ops');
    await putSecureString(moto.aws, SECRET_PARAM, port.credentials.clientSecret);
  });

  afterAll(async () => {
    for (const k of Object.keys(moto?.env ?? {})) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
    await Promise.all([port?.stop(), moto?.stop()]);
  });

  const run = async (argv: string[], env: Record<string, string | undefined>) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPortResync(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const env = () => ({ ...moto.env, PORT_API_URL: port.apiUrl, PORT_CLIENT_ID: port.credentials.clientId, PORT_CLIENT_SECRET_SSM_PARAM: SECRET_PARAM });

  it('resyncs the chosen sources with the secret read from SSM, then finds nothing to write', async () => {
    const first = await run(['--sources', 'aws.ec2,aws.sqs', '--json'], env());
    expect(first.err).toBe('');
    expect(first.code).toBe(EXIT.ok);
    expect(JSON.parse(first.out)).toMatchObject({ complete: true, created: 2, updated: 0, deleted: 0, failed: 0 });
    expect(port.entity('ec2Instance', seeded.ec2[0]!)).toBeDefined();
    expect(port.entities().filter((e) => e.blueprint === 'lambdaFunction')).toEqual([]);

    const again = await run(['--sources', 'aws.ec2,aws.sqs'], env());
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toMatch(/resync finished in [\d.]+ s \(writes via bulk-api\):\n {2}created 0, updated 0, deleted 0, unchanged 2, failed 0/);
    expect(port.contractViolations).toEqual([]);
  });

  it('a missing parameter or credential is a configuration error (2) naming the variable; a refused secret is 3', async () => {
    const missing = await run([], { ...env(), PORT_CLIENT_SECRET_SSM_PARAM: '/halo-jira-port/ops-test/nope' });
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toMatch(/PORT_CLIENT_SECRET_SSM_PARAM/);
    const noId = await run([], { ...env(), PORT_CLIENT_ID: undefined });
    expect(noId.code).toBe(EXIT.usage);
    expect(noId.err).toMatch(/PORT_CLIENT_ID/);
    const refused = await run(['--sources', 'aws.ec2'], { ...env(), PORT_CLIENT_SECRET_SSM_PARAM: undefined, PORT_CLIENT_SECRET: 'wrong' });
    expect(refused.code).toBe(EXIT.auth);
    expect(refused.err).not.toContain('wrong');
  });

  it('an unknown source is a usage error', async () => {
    const res = await run(['--sources', 'aws.ec2,aws.nope'], env());
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toMatch(/EVENT_SOURCES/);
  });
});
