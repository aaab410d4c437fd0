import net from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { motoAvailable, MOTO_MISSING } from '../../../local/aws/moto';
import { deployLocalStack, renderResources } from '../../../local/aws/stack';
import type { HaloStub } from '../../../local/halo';
import type { JiraStub } from '../../../local/jira';
import { startWorld, type WorldPiece } from '../../../local/world';
import { counts, ebEvent, forwarderDeadLetter } from '../ops/dlq-fixtures';
import { DeadLetters } from '../../../sandbox/dead-letters';

jest.setTimeout(90_000);
const describeMoto = motoAvailable() ? describe : describe.skip;
if (!motoAvailable()) console.warn(`world tests with moto skipped: ${MOTO_MISSING}`);

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' }, () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });

describe('startWorld', () => {
  it('starts the chosen stand-ins with demo data, hands jiraSync their env, and stops them all', async () => {
    const world = await startWorld({ port: false, issues: { count: 12, seed: 3 } });
    const ports = [world.halo.port, world.jira.port];
    try {
      expect(world.port).toBeUndefined();
      expect(world.moto).toBeUndefined();
      expect(world.halo.issues()).toHaveLength(12);
      expect(world.jiraSyncEnv).toMatchObject({ HALO_API_HOSTNAME: world.halo.url, JIRA_API_URL: world.jira.url, JIRA_PROJECT_KEY: world.jira.config.project.key });
      expect(Object.keys(world.jiraSyncEnv).filter((k) => k.startsWith('AWS_'))).toEqual([]);
      expect(world.rows.halo().map((r) => [r.id, r.ticket])).toEqual(world.halo.issues().map((i) => [i.id, undefined]));
      expect(world.rows.entities()).toEqual([]);
      expect(world.earliestChange()!.getTime()).toBe(Math.min(...world.halo.issues().map((i) => Date.parse(i.created_at))));
      for (const p of ports) expect(await listening(p)).toBe(true);
    } finally {
      await world.stop();
    }
    for (const p of ports) expect([p, await listening(p)]).toEqual([p, false]);
  });

  it('stops what already started when another piece fails to start', async () => {
    let standIns: { halo: HaloStub; jira: JiraStub } | undefined;
    const around = async <T>(piece: WorldPiece, start: () => Promise<T>): Promise<T> => {
      if (piece === 'moto') throw new Error('moto refused');
      const out = await start();
      standIns = out as unknown as { halo: HaloStub; jira: JiraStub };
      return out;
    };
    await expect(startWorld({ port: false, moto: true, around })).rejects.toThrow('moto refused');
    expect(standIns).toBeDefined();
    expect(await listening(standIns!.halo.port)).toBe(false);
    expect(await listening(standIns!.jira.port)).toBe(false);
  });
});

describeMoto('startWorld with moto', () => {
  it('points jiraSync at moto and its checkpoint, which reads back what was written', async () => {
    const world = await startWorld({ halo: false, jira: false, port: false, moto: true, checkpointParam: '/world/test/checkpoint' });
    try {
      expect(world.jiraSyncEnv).toMatchObject({ AWS_ENDPOINT_URL: world.moto.endpoint, AWS_SSM_TIMESTAMP_PARAM: '/world/test/checkpoint' });
      expect(await world.checkpoint.read()).toBeUndefined();
      await world.checkpoint.write(new Date('2026-11-20T12:00:00Z'));
      expect(await world.checkpoint.read()).toBe('2026-11-20T12:00:00.000Z');
    } finally {
      await world.stop();
    }
  });

  it("the sandbox's DLQ view reads letters with npm run dlq's reasons, without consuming them", async () => {
    const world = await startWorld({ halo: false, jira: false, port: false, moto: true });
    const sqs = new SQSClient(world.moto.aws.client);
    const { deadLetter } = await deployLocalStack(world.moto.aws, { resources: await renderResources(), queuesOnly: true });
    const view = new DeadLetters(world.moto.aws, deadLetter.url);
    try {
      expect(await view.read()).toEqual({ count: 0, messages: [] });
      const failedAt = new Date('2026-11-23T08:00:00Z');
      const letter = { messageId: 'm-1', body: ebEvent('aws.ec2', 'ev-1'), reason: 'HttpError: port-ingest answered 413', errorClass: 'PortRejected' as const, source: 'aws.ec2' };
      await forwarderDeadLetter(sqs, deadLetter.url, letter, failedAt);
      const first = await view.read();
      expect(first).toEqual({ count: 1, messages: [{ messageId: expect.any(String), sentAt: failedAt.toISOString(), reason: letter.reason, excerpt: letter.body }] });
      expect(await counts(sqs, deadLetter.url)).toEqual({ visible: 1, inFlight: 0 });
      expect(await view.read()).toEqual(first);
    } finally {
      view.close();
      sqs.destroy();
      await world.stop();
    }
  });
});
