import fs from 'node:fs';
import path from 'node:path';
import { Catalog } from '../../../local/port/catalog';
import { projectBlueprints } from '../../../local/port';
import { buildWebhookMappings } from '../../../port/mappings/build';
import { evaluateWebhook } from '../../../port/mappings/evaluate';
import { asWireBody } from '../../../port/preview';

/**
 * Events never erase what they do not carry. The Port stand-in's catalog writes nulls and replaces
 * object properties whole, like Port, so an event that mapped a missing value to null would show.
 */
const SAMPLES = path.resolve(__dirname, '../../../port/samples');
const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(SAMPLES, `${name}.json`), 'utf8'));
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:orders-handler';

async function ingest(catalog: Catalog, event: unknown): Promise<void> {
  const { changes, failures } = await evaluateWebhook(buildWebhookMappings(), { body: asWireBody(event) });
  expect(failures).toEqual([]);
  for (const c of changes) expect(catalog.apply(c)).toBeUndefined();
}

describe('events leave what they do not carry unchanged', () => {
  let catalog: Catalog;
  beforeEach(() => {
    catalog = new Catalog();
    for (const bp of projectBlueprints()) catalog.blueprints.set(bp.identifier, bp);
  });

  it('the stand-in writes an explicit null and replaces a tag map whole (as Port does)', () => {
    const entity = { identifier: 'x', properties: { runtime: 'nodejs22.x', tags: { a: '1', b: '2' } }, relations: {} };
    catalog.apply({ blueprint: 'lambdaFunction', operation: 'create', entity });
    catalog.apply({ blueprint: 'lambdaFunction', operation: 'create', entity: { identifier: 'x', properties: { runtime: null, tags: { c: '3' } }, relations: {} } });
    expect(catalog.get('lambdaFunction', 'x')?.properties).toEqual({ runtime: null, tags: { c: '3' } });
  });

  it('a tag event keeps runtime, memory… and the tag map the resync or the create wrote', async () => {
    await ingest(catalog, read('aws.lambda/create-function'));
    const before = catalog.get('lambdaFunction', FN)?.properties;
    expect(before).toMatchObject({ runtime: 'nodejs22.x', memorySize: 256, tags: { team: 'orders' } });
    await ingest(catalog, read('aws.lambda/tag-resource'));
    expect(catalog.get('lambdaFunction', FN)?.properties).toEqual({ ...before, lastChange: 'TagResource20170331v2' });
  });

  it('an RDS tag event keeps engine, class, storage', async () => {
    await ingest(catalog, read('aws.rds/create-db-instance'));
    const arn = 'arn:aws:rds:us-east-1:123456789012:db:orders-db';
    const before = catalog.get('rdsDbInstance', arn)?.properties;
    expect(before).toMatchObject({ engine: 'postgres', allocatedStorage: 100 });
    await ingest(catalog, read('aws.rds/add-tags'));
    expect(catalog.get('rdsDbInstance', arn)?.properties).toEqual({ ...before, lastChange: 'AddTagsToResource' });
  });

  it('a pre-formatted entity writes only the keys it has', async () => {
    await ingest(catalog, { blueprint: 'ec2Instance', identifier: 'i-1', properties: { state: 'running', stateChangedAt: '2026-11-20T10:15:30Z' }, relations: { account: '1' } });
    await ingest(catalog, { blueprint: 'ec2Instance', identifier: 'i-1', properties: { state: 'stopped' } });
    expect(catalog.get('ec2Instance', 'i-1')).toMatchObject({ properties: { state: 'stopped', stateChangedAt: '2026-11-20T10:15:30Z' }, relations: { account: '1' } });
  });
});
