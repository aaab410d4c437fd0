/**
 * Derives the contract subsets the Jira and Port stand-ins validate against
 * (`local/contracts/<service>.subset.json`) from the official OpenAPI documents in
 * `../shared/contracts` (or $CONTRACTS_DIR): only the operations listed in
 * `local/contracts/operations.json`, plus every component they reference; descriptions, summaries,
 * examples, externalDocs and x-* extensions stripped; keys sorted, so a re-run is byte-identical.
 *   npm run contracts               write the subsets
 *   npm run contracts -- --check    exit 1 when a committed subset differs from what the documents give
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CONTRACT_FILES, OPERATIONS_FILE, subsetFile, type ContractName } from '../local/contract';

type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

const REPO_ROOT = path.resolve(__dirname, '..');
const DERIVED_BY = 'scripts/derive-contracts.ts (npm run contracts)';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** What an operation keeps: enough to route, validate requests and responses, and know its auth. */
const OPERATION_KEYS = ['operationId', 'deprecated', 'parameters', 'requestBody', 'responses', 'security'];
const NOISE = new Set(['description', 'summary', 'example', 'examples', 'externalDocs']);
/** Keys whose object value maps names (properties, status codes, media types…) to objects: the names stay, noise-like or not. */
const NAME_MAPS = new Set([
  'properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas',
  'responses', 'content', 'headers', 'encoding', 'links', 'callbacks', 'variables',
  'schemas', 'parameters', 'requestBodies', 'securitySchemes',
]);
/** Values that are data or names, not schema: kept as they are (an enum member may well have a "description" key). */
const VERBATIM = new Set(['enum', 'const', 'default', 'mapping', 'security']);

export interface SourceDocument {
  file: string;
  sha256: string;
  doc: JsonObject;
}

const wantedDir = (): string => process.env.CONTRACTS_DIR || path.resolve(REPO_ROOT, '..', 'shared', 'contracts');

/** `<repo root>/../shared/contracts`, or $CONTRACTS_DIR; undefined when the folder is absent. */
export function sourceDir(): string | undefined {
  const dir = wantedDir();
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? dir : undefined;
}

export const sourceMissing = (): string =>
  `${wantedDir()} not found (set CONTRACTS_DIR to the folder holding ${Object.values(CONTRACT_FILES).join(' and ')})`;

export function readSource(name: ContractName, dir: string): SourceDocument {
  const file = CONTRACT_FILES[name];
  const bytes = fs.readFileSync(path.join(dir, file));
  return { file, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), doc: JSON.parse(bytes.toString('utf8')) as JsonObject };
}

/** The operations the project uses, per service, as `METHOD /path` lines. */
export function listedOperations(): Record<ContractName, string[]> {
  return JSON.parse(fs.readFileSync(OPERATIONS_FILE, 'utf8')) as Record<ContractName, string[]>;
}

const isObject = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

function strip(node: Json, names = false): Json {
  if (Array.isArray(node)) return node.map((n) => strip(n));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (names) out[key] = strip(value);
    else if (NOISE.has(key) || key.startsWith('x-')) continue;
    else out[key] = VERBATIM.has(key) ? value : strip(value, NAME_MAPS.has(key) && isObject(value));
  }
  return out;
}

function collectRefs(node: Json, into: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, into);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else collectRefs(value, into);
    }
  }
  return into;
}

/** "no such operation" plus what the document does have there (parameter names differ between documents). */
function missingOperation(paths: JsonObject, method: string, template: string, file: string): Error {
  const shape = (t: string): string => t.replace(/\{[^}]+\}/g, '{}');
  const near = Object.entries(paths)
    .filter(([t]) => shape(t) === shape(template))
    .map(([t, item]) => `${t} (${Object.keys(item as JsonObject).filter((m) => METHODS.includes(m)).map((m) => m.toUpperCase()).join(', ')})`);
  return new Error(`${file} has no operation ${method} ${template}${near.length ? `; it has ${near.join('; ')}` : ''}`);
}

function selectPaths(source: SourceDocument, operations: string[]): JsonObject {
  const docPaths = (source.doc.paths ?? {}) as JsonObject;
  const paths: JsonObject = {};
  for (const line of operations) {
    const m = /^([A-Z]+) (\/\S*)$/.exec(line);
    if (!m || !METHODS.includes(m[1]!.toLowerCase())) throw new Error(`${source.file}: "${line}" is not "METHOD /path"`);
    const method = m[1]!.toLowerCase();
    const template = m[2]!;
    const item = docPaths[template];
    const op = isObject(item) ? item[method] : undefined;
    if (!isObject(item) || !isObject(op)) throw missingOperation(docPaths, m[1]!, template, source.file);
    const kept = (paths[template] ?? {}) as JsonObject;
    paths[template] = kept;
    if (kept[method]) throw new Error(`${source.file}: ${line} is listed twice`);
    if (item.parameters) kept.parameters = strip(item.parameters, false);
    kept[method] = strip(Object.fromEntries(OPERATION_KEYS.filter((k) => op[k] !== undefined).map((k) => [k, op[k]!])));
  }
  return paths;
}

/** Every component the selected paths reach, transitively. */
function closure(source: SourceDocument, paths: JsonObject): JsonObject {
  const all = (source.doc.components ?? {}) as Record<string, JsonObject>;
  const components: Record<string, JsonObject> = {};
  const pending = collectRefs(paths);
  for (let ref = pending.pop(); ref !== undefined; ref = pending.pop()) {
    const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
    if (!m) throw new Error(`${source.file}: unsupported $ref ${ref} (only #/components/<kind>/<name>)`);
    const kind = m[1]!;
    const name = m[2]!.replace(/~1/g, '/').replace(/~0/g, '~');
    if (components[kind]?.[name] !== undefined) continue;
    const target = all[kind]?.[name];
    if (target === undefined) throw new Error(`${source.file}: dangling $ref ${ref}`);
    const stripped = strip(target);
    const bucket = components[kind] ?? {};
    components[kind] = bucket;
    bucket[name] = stripped;
    collectRefs(stripped, pending);
  }
  return components as JsonObject;
}

/** The security schemes the operations name; OAuth2 flows keep only the scopes used (descriptions blanked). */
function securitySchemes(source: SourceDocument, paths: JsonObject): JsonObject | undefined {
  const all = ((source.doc.components as JsonObject | undefined)?.securitySchemes ?? {}) as JsonObject;
  const used = new Map<string, Set<string>>();
  const requirements = Object.values(paths).flatMap((item) => Object.values(item as JsonObject).flatMap((op) => (isObject(op) && Array.isArray(op.security) ? op.security : [])));
  for (const requirement of requirements as JsonObject[]) {
    for (const [name, scopes] of Object.entries(requirement)) {
      const set = used.get(name) ?? new Set<string>();
      for (const s of scopes as string[]) set.add(s);
      used.set(name, set);
    }
  }
  if (used.size === 0) return undefined;
  const out: JsonObject = {};
  for (const [name, scopes] of used) {
    const scheme = all[name];
    if (!isObject(scheme)) throw new Error(`${source.file}: security scheme ${name} is not defined`);
    const kept = strip(scheme) as JsonObject;
    for (const flow of Object.values((kept.flows ?? {}) as JsonObject) as JsonObject[]) {
      flow.scopes = Object.fromEntries([...scopes].sort().map((s) => [s, '']));
    }
    out[name] = kept;
  }
  return out;
}

/** The subset document of `source` holding `operations` (`METHOD /path` lines, exact templates of the document). */
export function deriveSubset(source: SourceDocument, operations: string[]): JsonObject {
  const paths = selectPaths(source, operations);
  const components = closure(source, paths);
  const schemes = securitySchemes(source, paths);
  if (schemes) components.securitySchemes = schemes;
  const info = (source.doc.info ?? {}) as JsonObject;
  const servers = Array.isArray(source.doc.servers) ? (source.doc.servers as JsonObject[]).map((s) => ({ url: s.url ?? '/' })) : undefined;
  return {
    'x-derived': { by: DERIVED_BY, from: source.file, sha256: source.sha256, operations: path.relative(REPO_ROOT, OPERATIONS_FILE) },
    openapi: source.doc.openapi ?? null,
    info: { title: info.title ?? null, version: info.version ?? null },
    ...(servers ? { servers } : {}),
    paths,
    components,
  };
}

function sortKeys(node: Json): Json {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (!isObject(node)) return node;
  return Object.fromEntries(Object.keys(node).sort().map((k) => [k, sortKeys(node[k]!)]));
}

/** The committed form: the x-derived header first, then keys sorted at every level; 2-space indent, final newline. */
export function serialise(subset: JsonObject): string {
  const { 'x-derived': header, ...rest } = subset;
  return `${JSON.stringify({ 'x-derived': header ?? null, ...(sortKeys(rest) as JsonObject) }, null, 2)}\n`;
}

/** The subset file text for `name`, derived from the documents in `dir`. */
export function deriveFile(name: ContractName, dir: string): string {
  return serialise(deriveSubset(readSource(name, dir), listedOperations()[name] ?? []));
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const dir = sourceDir();
  if (!dir) {
    process.stderr.write(`${sourceMissing()}\n`);
    return 2;
  }
  let stale = 0;
  for (const name of Object.keys(CONTRACT_FILES) as ContractName[]) {
    const text = deriveFile(name, dir);
    const target = subsetFile(name);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    const where = path.relative(REPO_ROOT, target);
    if (check) {
      if (current !== text) stale += 1;
      process.stdout.write(`${where}: ${current === text ? 'up to date' : 'STALE (run npm run contracts)'}\n`);
      continue;
    }
    if (current !== text) fs.writeFileSync(target, text);
    const subset = JSON.parse(text) as { paths: JsonObject; components: Record<string, JsonObject> };
    const operations = Object.values(subset.paths).reduce<number>((n, item) => n + Object.keys(item as JsonObject).filter((m) => METHODS.includes(m)).length, 0);
    const schemas = Object.keys(subset.components.schemas ?? {}).length;
    process.stdout.write(`${where}: ${operations} operations, ${schemas} schemas, ${Math.round(text.length / 1024)} KiB${current === text ? ' (unchanged)' : ' (written)'}\n`);
  }
  return stale > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
