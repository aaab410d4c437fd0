import { deriveSubset, serialise, type SourceDocument } from '../../../scripts/derive-contracts';

/** A small document with the shapes the real ones have: shared schemas, noise, names that look like noise. */
function source(): SourceDocument {
  const doc = {
    openapi: '3.0.1',
    info: { title: 'Tracker', version: '1', description: 'long prose', 'x-atlassian-narrative': {} },
    servers: [{ url: 'https://tracker.invalid', description: 'prod' }],
    tags: [{ name: 'Issues' }],
    paths: {
      '/issue/{key}': {
        get: {
          operationId: 'getIssue', summary: 'Get', tags: ['Issues'], 'x-experimental': true,
          parameters: [{ name: 'key', in: 'path', required: true, description: 'the key', schema: { type: 'string', example: 'SEC-1' } }],
          responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Issue' }, example: { key: 'SEC-1' } } } } },
          security: [{ basicAuth: [] }, { OAuth2: ['read:issue'] }],
        },
        delete: { operationId: 'deleteIssue', responses: { '204': { description: 'gone' } } },
      },
      '/issue/{key}/comment': {
        post: {
          operationId: 'addComment',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Comment' } } } },
          responses: { '201': { description: 'Created' } },
          security: [{ OAuth2: ['write:issue'] }],
        },
      },
    },
    components: {
      schemas: {
        Issue: { type: 'object', description: 'An issue', properties: { key: { type: 'string' }, description: { type: 'string', description: 'its text' }, comments: { type: 'array', items: { $ref: '#/components/schemas/Comment' } } } },
        Comment: { type: 'object', required: ['body'], properties: { body: { $ref: '#/components/schemas/Doc' }, examples: { type: 'string' } }, externalDocs: { url: 'https://x.invalid' } },
        Doc: { type: 'object', properties: { kind: { enum: [{ description: 'kept: data, not schema' }] } }, 'x-showInExample': true },
        Unused: { type: 'string' },
      },
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic', description: 'email + token' },
        OAuth2: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://auth.invalid', tokenUrl: 'https://auth.invalid/token', scopes: { 'read:issue': 'Read.', 'write:issue': 'Write.', 'admin:all': 'Everything.' } } } },
        apiKey: { type: 'apiKey', name: 'key', in: 'header' },
      },
    },
  };
  return { file: 'tracker.openapi.json', sha256: 'ab'.repeat(32), doc: doc as unknown as SourceDocument['doc'] };
}

describe('deriveSubset', () => {
  const subset = deriveSubset(source(), ['GET /issue/{key}', 'POST /issue/{key}/comment']) as any;

  it('keeps only the listed operations, and of each only what routing and validation need', () => {
    expect(Object.keys(subset.paths['/issue/{key}'])).toEqual(['get']);
    expect(subset.paths['/issue/{key}'].get).toEqual({
      operationId: 'getIssue',
      parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Issue' } } } } },
      security: [{ basicAuth: [] }, { OAuth2: ['read:issue'] }],
    });
  });

  it('carries every schema the operations reach, transitively, and no other', () => {
    expect(Object.keys(subset.components.schemas).sort()).toEqual(['Comment', 'Doc', 'Issue']);
  });

  it('strips descriptions, examples, externalDocs and x-* but keeps properties that have those names, and data', () => {
    expect(subset.components.schemas.Issue).toEqual({
      type: 'object',
      properties: { key: { type: 'string' }, description: { type: 'string' }, comments: { type: 'array', items: { $ref: '#/components/schemas/Comment' } } },
    });
    expect(subset.components.schemas.Comment).toEqual({ type: 'object', required: ['body'], properties: { body: { $ref: '#/components/schemas/Doc' }, examples: { type: 'string' } } });
    expect(subset.components.schemas.Doc).toEqual({ type: 'object', properties: { kind: { enum: [{ description: 'kept: data, not schema' }] } } });
    expect(subset.info).toEqual({ title: 'Tracker', version: '1' });
    expect(subset.servers).toEqual([{ url: 'https://tracker.invalid' }]);
    expect(subset.tags).toBeUndefined();
  });

  it('keeps the security schemes the operations name, with only the OAuth2 scopes they use', () => {
    expect(subset.components.securitySchemes).toEqual({
      basicAuth: { type: 'http', scheme: 'basic' },
      OAuth2: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://auth.invalid', tokenUrl: 'https://auth.invalid/token', scopes: { 'read:issue': '', 'write:issue': '' } } } },
    });
  });

  it('heads the subset with where it came from', () => {
    expect(subset['x-derived']).toEqual({
      by: 'scripts/derive-contracts.ts (npm run contracts)', from: 'tracker.openapi.json', sha256: 'ab'.repeat(32), operations: 'local/contracts/operations.json',
    });
  });

  it('serialises deterministically: header first, then sorted keys, 2-space indent, whatever the listing order', () => {
    const again = deriveSubset(source(), ['POST /issue/{key}/comment', 'GET /issue/{key}']);
    expect(serialise(again)).toBe(serialise(subset));
    const text = serialise(subset);
    expect(text.endsWith('}\n')).toBe(true);
    const lines = text.split('\n');
    expect(lines[1]).toBe('  "x-derived": {');
    expect(lines.filter((l) => /^ {2}"/.test(l))).toEqual(['  "x-derived": {', '  "components": {', '  "info": {', '  "openapi": "3.0.1",', '  "paths": {', '  "servers": [']);
  });

  it('names the operation the document lacks, and what it has at that path under other parameter names', () => {
    expect(() => deriveSubset(source(), ['GET /issue/{issueIdOrKey}'])).toThrow(
      'tracker.openapi.json has no operation GET /issue/{issueIdOrKey}; it has /issue/{key} (GET, DELETE)',
    );
    expect(() => deriveSubset(source(), ['FETCH /issue/{key}'])).toThrow('"FETCH /issue/{key}" is not "METHOD /path"');
    expect(() => deriveSubset(source(), ['GET /issue/{key}', 'GET /issue/{key}'])).toThrow('GET /issue/{key} is listed twice');
  });
});
