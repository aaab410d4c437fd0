import type { EntityChange, MappedEntity } from '../../port/mappings/evaluate';

/**
 * The Port stand-in's in-memory catalog: blueprints and entities, with the checks Port applies
 * when a webhook mapping writes an entity (blueprint exists, properties declared and typed).
 */
export interface Blueprint {
  identifier: string;
  title: string;
  icon?: string;
  description?: string;
  schema: { properties: Record<string, PropertySchema>; required?: string[] };
  relations?: Record<string, { title?: string; target: string; required: boolean; many: boolean }>;
  [key: string]: unknown;
}

interface PropertySchema {
  type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  format?: string;
  enum?: unknown[];
  title?: string;
  [key: string]: unknown;
}

export interface Entity {
  identifier: string;
  blueprint: string;
  title?: string;
  icon?: string;
  team?: unknown;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ChangeFailure {
  blueprint: string;
  identifier: string;
  error: string;
}

const dropUndefined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function typeError(name: string, value: unknown, schema: PropertySchema): string | undefined {
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (actual !== schema.type) return `property "${name}" is ${actual}, blueprint says ${schema.type}`;
  if (schema.enum && !schema.enum.includes(value)) return `property "${name}"=${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`;
  if (schema.format === 'date-time' && Number.isNaN(Date.parse(String(value)))) return `property "${name}"=${JSON.stringify(value)} is not a date-time`;
  return undefined;
}

export class Catalog {
  readonly blueprints = new Map<string, Blueprint>();
  private readonly entities = new Map<string, Map<string, Entity>>();

  list(blueprint?: string): Entity[] {
    const bps = blueprint === undefined ? [...this.entities.keys()] : [blueprint];
    return bps.flatMap((bp) => [...(this.entities.get(bp)?.values() ?? [])]).map((e) => structuredClone(e));
  }

  get(blueprint: string, identifier: string): Entity | undefined {
    const e = this.entities.get(blueprint)?.get(identifier);
    return e && structuredClone(e);
  }

  /**
   * Applies one mapped change (create = upsert with merge, delete = remove if present). Like Port, a
   * property or relation given as null is written as null (it erases the stored value), and an
   * object property (tags) replaces the stored object whole: merge works per property, not deeper.
   */
  apply(change: Pick<EntityChange, 'blueprint' | 'operation' | 'entity'>, now = new Date()): ChangeFailure | undefined {
    const { blueprint, entity } = change;
    const fail = (error: string): ChangeFailure => ({ blueprint, identifier: entity.identifier, error });
    const bp = this.blueprints.get(blueprint);
    if (!bp) return fail(`blueprint "${blueprint}" does not exist`);
    const bucket = this.entities.get(blueprint) ?? new Map<string, Entity>();
    this.entities.set(blueprint, bucket);
    if (change.operation === 'delete') {
      bucket.delete(entity.identifier);
      return undefined;
    }
    const problem = this.validate(bp, entity);
    if (problem) return fail(problem);
    const prev = bucket.get(entity.identifier);
    const at = now.toISOString();
    bucket.set(entity.identifier, {
      identifier: entity.identifier,
      blueprint,
      title: entity.title ?? prev?.title ?? entity.identifier,
      ...(entity.icon ?? prev?.icon ? { icon: entity.icon ?? prev?.icon } : {}),
      ...(entity.team ?? prev?.team ? { team: entity.team ?? prev?.team } : {}),
      properties: { ...prev?.properties, ...dropUndefined(entity.properties) },
      relations: { ...prev?.relations, ...dropUndefined(entity.relations) },
      createdAt: prev?.createdAt ?? at,
      updatedAt: at,
    });
    return undefined;
  }

  private validate(bp: Blueprint, entity: MappedEntity): string | undefined {
    for (const [name, value] of Object.entries(dropUndefined(entity.properties))) {
      const schema = bp.schema.properties[name];
      if (!schema) return `property "${name}" is not defined on blueprint "${bp.identifier}"`;
      if (value === null) continue;
      const err = typeError(name, value, schema);
      if (err) return err;
    }
    for (const [name, value] of Object.entries(dropUndefined(entity.relations))) {
      const rel = bp.relations?.[name];
      if (!rel) return `relation "${name}" is not defined on blueprint "${bp.identifier}"`;
      if (value === null) continue;
      if (rel.many ? !Array.isArray(value) : typeof value !== 'string') return `relation "${name}" must be ${rel.many ? 'an array' : 'a string'}`;
    }
    return undefined;
  }

  clearEntities(): void {
    this.entities.clear();
  }
}
