import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Request validation against the project's subset of the official OpenAPI documents: the
 * operations listed in `contracts/operations.json` with the components they reference, derived
 * into `contracts/<name>.subset.json` by `scripts/derive-contracts.ts` (`npm run contracts`) and
 * committed, so validation runs in every clone. The Jira and Port stand-ins call `validateRequest`
 * on every request so that a request the real service would reject fails locally too; a call
 * outside the subset is refused as well (the stand-ins never serve an undocumented call).
 */

export interface ContractRequest {
  method: string;
  /** e.g. '/rest/api/3/issue/ABC-1' (no query) */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined when there is no body. */
  body: unknown;
}

type ContractResult =
  | { ok: true; operationId: string; pathTemplate: string; deprecated: boolean; pathParams: Record<string, string> }
  | { ok: false; status: 400 | 404 | 405; errors: string[]; operationId?: string; pathTemplate?: string };

export interface Contract {
  readonly name: ContractName;
  validateRequest(req: ContractRequest): ContractResult;
  /** Number of operations in the subset (for sanity checks and reports). */
  readonly operationCount: number;
}

export type ContractName = 'jira' | 'port';

/** The official documents the subsets are derived from (in `../shared/contracts`, never copied). */
export const CONTRACT_FILES: Record<ContractName, string> = {
  jira: 'jira-cloud-platform-v3.openapi.json',
  port: 'port-api.openapi.json',
};

const SUBSETS_DIR = path.join(__dirname, 'contracts');
/** The operations the project uses, per service: the input of `npm run contracts`. */
export const OPERATIONS_FILE = path.join(SUBSETS_DIR, 'operations.json');
/** The committed subset document the stand-in of `name` validates against. */
export const subsetFile = (name: ContractName): string => path.join(SUBSETS_DIR, `${name}.subset.json`);

const cache = new Map<ContractName, Contract>();

/** Loaded once per process and cached. */
export function loadContract(name: ContractName): Contract {
  const cached = cache.get(name);
  if (cached) return cached;
  const doc = JSON.parse(fs.readFileSync(subsetFile(name), 'utf8')) as OpenApiDoc;
  const contract = new OpenApiContract(name, doc);
  cache.set(name, contract);
  return contract;
}

// ---- the document -------------------------------------------------------------------------

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  deprecated?: boolean;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}
interface OpenApiDoc {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, Schema>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Route {
  template: string;
  /** A literal segment, or null for a `{param}` one. */
  segments: { literal: string | null; param?: string }[];
  operations: Map<string, Operation>;
}

const escapePointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** OpenAPI 3.0: a readOnly property listed as required is required in responses only. */
function dropReadOnlyFromRequired(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) dropReadOnlyFromRequired(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Schema;
  const props = obj.properties as Record<string, Schema> | undefined;
  if (Array.isArray(obj.required) && props && typeof props === 'object') {
    obj.required = (obj.required as string[]).filter((n) => props[n]?.readOnly !== true);
  }
  Object.values(obj).forEach(dropReadOnlyFromRequired);
}

/** Literal segments sort before templated ones, position by position. */
function bySpecificity(a: Route, b: Route): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const la = a.segments[i]?.literal !== null;
    const lb = b.segments[i]?.literal !== null;
    if (la !== lb) return la ? -1 : 1;
  }
  return 0;
}

function formatError(e: ErrorObject): string {
  const where = e.instancePath.replace(/^\//, '') || 'request';
  const p = e.params as Record<string, unknown>;
  let detail = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') detail += ` '${String(p.additionalProperty)}'`;
  if (e.keyword === 'enum') detail += `: ${JSON.stringify(p.allowedValues)}`;
  return `${where}: ${detail}`;
}

class OpenApiContract implements Contract {
  readonly operationCount: number;
  private readonly ajv: Ajv;
  private readonly docId: string;
  private readonly routes: Map<number, Route[]> = new Map();
  private readonly basePaths: string[];
  private readonly validators = new Map<string, ValidateFunction>();
  /** Says where the subset comes from, for "no such operation" errors. */
  private readonly listed: string;

  constructor(
    readonly name: ContractName,
    private readonly doc: OpenApiDoc,
  ) {
    dropReadOnlyFromRequired(doc.components);
    dropReadOnlyFromRequired(doc.paths);
    const is31 = doc.openapi.startsWith('3.1');
    const opts = { strict: false, allErrors: true, validateSchema: false, logger: false as const };
    this.ajv = is31 ? new Ajv2020(opts) : new Ajv(opts);
    addFormats(this.ajv);
    this.ajv.addFormat('url', this.ajv.formats.uri ?? true);
    this.docId = `https://contracts.invalid/${name}.json`;
    this.listed = `in the ${name} contract subset (if the real API has it, add it to local/contracts/operations.json and run npm run contracts)`;
    // Whole document once, so `#/components/...` refs resolve; validators compile lazily per operation.
    this.ajv.addSchema(doc as unknown as AnySchema, this.docId);
    this.basePaths = (doc.servers ?? [])
      .map((s) => new URL(s.url, 'http://base.invalid').pathname.replace(/\/$/, ''))
      .filter((p) => p !== '')
      .sort((a, b) => b.length - a.length);

    let count = 0;
    for (const [template, item] of Object.entries(doc.paths)) {
      const operations = new Map<string, Operation>();
      for (const m of METHODS) if (item[m]) operations.set(m.toUpperCase(), item[m]);
      count += operations.size;
      const segments = template
        .split('/')
        .filter(Boolean)
        .map((seg) => {
          const param = /^\{(.+)\}$/.exec(seg)?.[1];
          return param === undefined ? { literal: seg } : { literal: null, param };
        });
      const list = this.routes.get(segments.length) ?? [];
      list.push({ template, segments, operations });
      this.routes.set(segments.length, list);
    }
    for (const list of this.routes.values()) list.sort(bySpecificity);
    this.operationCount = count;
  }

  validateRequest(req: ContractRequest): ContractResult {
    const method = req.method.toUpperCase();
    const reqSegments = this.stripBase(req.path).split('/').filter(Boolean);
    const candidates: { route: Route; params: Record<string, string> }[] = [];
    for (const route of this.routes.get(reqSegments.length) ?? []) {
      const params = this.match(route, reqSegments);
      if (params) candidates.push({ route, params });
    }
    if (candidates.length === 0) return { ok: false, status: 404, errors: [`no operation for path ${req.path} ${this.listed}`] };
    const hit = candidates.find((c) => c.route.operations.has(method));
    if (!hit) {
      const best = candidates[0]!.route;
      return {
        ok: false,
        status: 405,
        pathTemplate: best.template,
        errors: [`${method} not allowed on ${best.template} (allowed: ${[...best.operations.keys()].join(', ')}) ${this.listed}`],
      };
    }
    const operation = hit.route.operations.get(method)!;
    const operationId = operation.operationId ?? `${method} ${hit.route.template}`;
    const errors = this.validateOperation(hit.route.template, method, operation, hit.params, req);
    if (errors.length > 0) return { ok: false, status: 400, errors, operationId, pathTemplate: hit.route.template };
    return { ok: true, operationId, pathTemplate: hit.route.template, deprecated: operation.deprecated === true, pathParams: hit.params };
  }

  private stripBase(p: string): string {
    const base = this.basePaths.find((b) => p === b || p.startsWith(`${b}/`));
    return base ? p.slice(base.length) : p;
  }

  private match(route: Route, segments: string[]): Record<string, string> | undefined {
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const want = route.segments[i]!;
      let got: string;
      try {
        got = decodeURIComponent(segments[i]!);
      } catch {
        got = segments[i]!;
      }
      if (want.literal === null) params[want.param!] = got;
      else if (want.literal !== got) return undefined;
    }
    return params;
  }

  private validateOperation(
    template: string,
    method: string,
    op: Operation,
    pathParams: Record<string, string>,
    req: ContractRequest,
  ): string[] {
    const errors: string[] = [];
    const instance: { path: Record<string, unknown>; query: Record<string, unknown>; body?: unknown } = { path: {}, query: {} };
    for (const prm of this.parameters(op)) {
      if (prm.in === 'path') {
        const raw = pathParams[prm.name];
        if (raw !== undefined) instance.path[prm.name] = this.coerce(raw, prm.schema);
      } else if (prm.in === 'query') {
        const raw = req.query[prm.name];
        if (raw !== undefined) instance.query[prm.name] = this.coerce(raw, prm.schema);
        else if (prm.required) errors.push(`query/${prm.name}: required query parameter is missing`);
      }
    }
    const json = this.jsonBody(op);
    if (req.body === undefined) {
      if (op.requestBody?.required) errors.push('body: request body is required');
    } else if (json) {
      instance.body = req.body;
    }
    const validate = this.validator(template, method, op);
    if (!validate(instance)) errors.push(...(validate.errors ?? []).map(formatError));
    return [...new Set(errors)].slice(0, 20);
  }

  private parameters(op: Operation): Parameter[] {
    return (op.parameters ?? []).map((p) => ('$ref' in p ? (this.resolve(p.$ref) as unknown as Parameter) : p));
  }

  private jsonBody(op: Operation): string | undefined {
    const content = op.requestBody?.content ?? {};
    return Object.keys(content).find((ct) => /json/.test(ct) && content[ct]?.schema) ?? (content['*/*']?.schema ? '*/*' : undefined);
  }

  private resolve(ref: string): Schema {
    let node: unknown = this.doc;
    for (const part of ref.replace(/^#\//, '').split('/')) {
      node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return node as Schema;
  }

  private deref(schema: Schema | undefined): Schema {
    let s = schema ?? {};
    for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) s = this.resolve(s.$ref);
    return s;
  }

  /** Query/path values arrive as strings; arrays as comma lists or repeated keys. */
  private coerce(raw: string | string[], schema: Schema | undefined): unknown {
    const s = this.deref(schema);
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
    if (types.includes('array')) {
      const items = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(','));
      return items.map((v) => this.coerce(v, s.items as Schema | undefined));
    }
    const one = Array.isArray(raw) ? (raw[0] ?? '') : raw;
    if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(one)) return Number(one);
    if (types.includes('boolean') && (one === 'true' || one === 'false')) return one === 'true';
    return one;
  }

  private validator(template: string, method: string, op: Operation): ValidateFunction {
    const key = `${method} ${template}`;
    const existing = this.validators.get(key);
    if (existing) return existing;
    const opPointer = `${this.docId}#/paths/${escapePointer(template)}/${method.toLowerCase()}`;
    const group = (where: 'path' | 'query'): Schema => {
      const properties: Record<string, Schema> = {};
      const required: string[] = [];
      (op.parameters ?? []).forEach((p, i) => {
        const prm = '$ref' in p ? (this.resolve(p.$ref) as unknown as Parameter) : p;
        if (prm.in !== where || !prm.schema) return;
        properties[prm.name] = '$ref' in p ? { $ref: `${this.docId}${p.$ref}/schema` } : { $ref: `${opPointer}/parameters/${i}/schema` };
        if (prm.required && where === 'path') required.push(prm.name);
      });
      return { type: 'object', properties, required };
    };
    const ct = this.jsonBody(op);
    const schema: Schema = {
      type: 'object',
      properties: {
        path: group('path'),
        query: group('query'),
        ...(ct ? { body: { $ref: `${opPointer}/requestBody/content/${escapePointer(ct)}/schema` } } : {}),
      },
    };
    try {
      const compiled = this.ajv.compile(schema);
      this.validators.set(key, compiled);
      return compiled;
    } catch (err) {
      throw new Error(`${this.name} contract: cannot compile ${key}: ${(err as Error).message}`);
    }
  }
}
