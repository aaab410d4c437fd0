import { decide, defaultParameterNames, deployCommand, ingestUrlOf, JIRA_SYNC_REQUIRED, jiraSyncMissing, mergeBlueprint, parseWebhookRef, withoutJiraSync } from '../../../port/installer/plan';

describe('installer decisions', () => {
  it.each([
    [undefined, { kind: 'identifier', identifier: 'aws_ingest' }],
    ['my_hook', { kind: 'identifier', identifier: 'my_hook' }],
    ['https://ingest.us.port.io/AbC123xyz456/', { kind: 'ingest-url', url: 'https://ingest.us.port.io/AbC123xyz456', key: 'AbC123xyz456' }],
    ['https://app.port.io/settings/data-sources/webhooks/team_hook?tab=mapping', { kind: 'identifier', identifier: 'team_hook' }],
    ['/webhooks/partial/extra', { kind: 'identifier', identifier: 'partial' }],
  ])('--webhook %s', (arg, expected) => {
    expect(parseWebhookRef(arg)).toEqual(expected);
  });

  it('rejects a --webhook value that is none of the three forms', () => {
    expect(() => parseWebhookRef('not an id!')).toThrow(/expected an identifier/);
    expect(() => parseWebhookRef('https://x.example/webhooks/')).toThrow(/no identifier/);
  });

  it('create when absent, unchanged when Port only added its own fields, update on any managed difference', () => {
    const bp = { identifier: 'b', title: 'B', schema: { properties: { a: { type: 'string' } } } };
    expect(decide(bp, undefined, 'blueprint')).toBe('create');
    const fromPort = { ...bp, schema: { ...bp.schema, required: [] }, relations: {}, mirrorProperties: {}, calculationProperties: {}, aggregationProperties: {}, createdAt: 'x', updatedBy: 'y' };
    expect(decide(bp, fromPort, 'blueprint')).toBe('unchanged');
    expect(decide({ ...bp, title: 'B2' }, fromPort, 'blueprint')).toBe('update');
    expect(decide({ ...bp, schema: { properties: {} } }, fromPort, 'blueprint')).toBe('update');
    const hook = { identifier: 'h', title: 'T', enabled: true, mappings: [{ blueprint: 'b', entity: { identifier: '.x' } }] };
    expect(decide(hook, { ...hook, webhookKey: 'k', url: 'u' }, 'webhook')).toBe('unchanged');
    expect(decide(hook, { ...hook, enabled: false }, 'webhook')).toBe('update');
  });

  it('takes the ingest URL from Port’s response, falling back to the region’s ingest host', () => {
    expect(ingestUrlOf({ url: 'https://ingest.us.port.io/K1', webhookKey: 'K1' }, 'https://api.port.io')).toBe('https://ingest.us.port.io/K1');
    expect(ingestUrlOf({ webhookKey: 'K2' }, 'https://api.us.port.io')).toBe('https://ingest.us.port.io/K2');
    expect(ingestUrlOf({ webhookKey: 'K3' }, 'https://api.getport.io')).toBe('https://ingest.getport.io/K3');
    expect(() => ingestUrlOf({ webhookKey: 'K4' }, 'http://127.0.0.1:9')).toThrow(/without `url`/);
  });

  it('builds a pasteable sls deploy line with the env the service reads', () => {
    const cmd = deployCommand(defaultParameterNames('prod'), ['aws.ec2', 'aws.s3'], 'prod', 'eu-west-1');
    expect(cmd.env).toEqual({
      PORT_WEBHOOK_URL_SSM_PARAM: '/halo-jira-port/prod/port-webhook-url',
      PORT_WEBHOOK_SECRET_SSM_PARAM: '/halo-jira-port/prod/port-webhook-secret',
      PORT_CLIENT_ID_SSM_PARAM: '/halo-jira-port/prod/port-client-id',
      PORT_CLIENT_SECRET_SSM_PARAM: '/halo-jira-port/prod/port-client-secret',
      EVENT_SOURCES: 'aws.ec2,aws.s3',
    });
    expect(cmd.line).toBe(
      'PORT_WEBHOOK_URL_SSM_PARAM=/halo-jira-port/prod/port-webhook-url PORT_WEBHOOK_SECRET_SSM_PARAM=/halo-jira-port/prod/port-webhook-secret PORT_CLIENT_ID_SSM_PARAM=/halo-jira-port/prod/port-client-id PORT_CLIENT_SECRET_SSM_PARAM=/halo-jira-port/prod/port-client-secret EVENT_SOURCES=aws.ec2,aws.s3 npx sls deploy --stage prod --region eu-west-1',
    );
    expect(deployCommand({ webhookUrl: "/it's", webhookSecret: '/s' }, ['a'], 'dev').line).toBe(`PORT_WEBHOOK_URL_SSM_PARAM='/it'\\''s' PORT_WEBHOOK_SECRET_SSM_PARAM=/s EVENT_SOURCES=a npx sls deploy --stage dev`);
  });
});

describe('never an unconfigured jiraSync', () => {
  const configured = Object.fromEntries(JIRA_SYNC_REQUIRED.map((n) => [n, 'x']));

  it('names the required jiraSync settings that are unset or blank', () => {
    expect(jiraSyncMissing(configured)).toEqual([]);
    expect(jiraSyncMissing({ ...configured, JIRA_PROJECT_KEY: ' ', ISSUE_STATUS_CLOSED: undefined })).toEqual(['JIRA_PROJECT_KEY', 'ISSUE_STATUS_CLOSED']);
  });

  it('leaves jiraSync out of the FUNCTIONS the caller chose, or out of every function', () => {
    expect(withoutJiraSync(undefined)).toBe('-jiraSync');
    expect(withoutJiraSync('portForwarder,jiraSync')).toBe('portForwarder');
    expect(withoutJiraSync('jiraSync')).toBe('-jiraSync');
    expect(withoutJiraSync('-portResync')).toBe('-jiraSync,-portResync');
  });

  it('puts FUNCTIONS in the deploy environment and command line only when given', () => {
    expect(deployCommand({ webhookUrl: '/u', webhookSecret: '/s' }, ['aws.ec2'], 'dev', undefined, '-jiraSync').line).toBe('PORT_WEBHOOK_URL_SSM_PARAM=/u PORT_WEBHOOK_SECRET_SSM_PARAM=/s EVENT_SOURCES=aws.ec2 FUNCTIONS=-jiraSync npx sls deploy --stage dev');
    expect(deployCommand({ webhookUrl: '/u', webhookSecret: '/s' }, ['aws.ec2'], 'dev').env).not.toHaveProperty('FUNCTIONS');
  });
});

describe('blueprints merge, never clobber', () => {
  const ours = { identifier: 's3Bucket', title: 'S3 Bucket', schema: { properties: { arn: { type: 'string' }, tags: { type: 'object' }, region: { type: 'string' } } }, relations: { account: { target: 'awsAccount', many: false, required: false } } };

  it('creates an absent blueprint as ours', () => {
    expect(mergeBlueprint(ours, undefined)).toEqual({ action: 'create', body: ours, added: [], conflicts: [] });
  });

  it('adds missing properties and relations, keeps their title, properties and relations', () => {
    const theirs = { identifier: 's3Bucket', title: 'Bucket (Ocean)', schema: { properties: { arn: { type: 'string', title: 'ARN' }, encryption: { type: 'string' } }, required: ['arn'] }, relations: { owner: { target: 'team', many: false } } };
    const merge = mergeBlueprint(ours, theirs);
    expect(merge.action).toBe('update');
    expect(merge.added).toEqual(['properties.tags', 'properties.region', 'relations.account']);
    expect(merge.body).toEqual({
      schema: { properties: { arn: { type: 'string', title: 'ARN' }, encryption: { type: 'string' }, tags: { type: 'object' }, region: { type: 'string' } }, required: ['arn'] },
      relations: { owner: { target: 'team', many: false }, account: ours.relations.account },
    });
    expect(merge.body).not.toHaveProperty('title');
  });

  it('unchanged when everything of ours is there already', () => {
    expect(mergeBlueprint(ours, { ...ours, title: 'Theirs', schema: { properties: { ...ours.schema.properties, extra: { type: 'number' } } } }).action).toBe('unchanged');
  });

  it('reports an incompatible existing property type (S3 tags as an array) and a relation to another target', () => {
    const theirs = { identifier: 's3Bucket', schema: { properties: { tags: { type: 'array' }, region: { type: 'string', format: 'url' } } }, relations: { account: { target: 'account', many: false } } };
    expect(mergeBlueprint(ours, theirs).conflicts).toEqual([
      { blueprint: 's3Bucket', field: 'properties.tags', ours: 'object', theirs: 'array' },
      { blueprint: 's3Bucket', field: 'properties.region', ours: 'string', theirs: 'string/url' },
      { blueprint: 's3Bucket', field: 'relations.account', ours: 'awsAccount', theirs: 'account' },
    ]);
  });
});
