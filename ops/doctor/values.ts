import { fieldValue, type JiraField } from '../../functions/jiraSync/fields';

/**
 * Pure: can a Jira field (its schema and allowed values, from createmeta) take what the sync
 * sends it? The value sent is computed by jiraSync's own `fieldValue`, so the doctor judges the
 * real request body, not a guess of it.
 */
export interface FieldMeta {
  id: string;
  name: string;
  schema?: JiraField['schema'];
  allowedValues?: Array<{ value?: string; name?: string; id?: string }>;
  required?: boolean;
  hasDefaultValue?: boolean;
}

/** Field types whose value is an object the sync cannot build from text (user, priority, version…). */
const TEXT_TYPES = new Set(['string', 'number', 'option', 'array', 'date', 'datetime', 'any']);

const allowed = (meta: FieldMeta): string[] | undefined => meta.allowedValues?.map((a) => a.value ?? a.name ?? a.id ?? '');

/** undefined when the value is acceptable; else why not. */
export function valueProblem(meta: FieldMeta, value: string): string | undefined {
  const schema = meta.schema ?? {};
  const type = schema.type ?? 'any';
  if (!TEXT_TYPES.has(type)) return `it is a "${type}" field: the sync can only send text, numbers, dates or options`;
  if (type === 'array' && schema.items !== 'option' && schema.items !== 'string') return `it is a list of "${schema.items}": the sync can only send labels or options`;
  const sent = fieldValue({ id: meta.id, jql: meta.id, schema }, value);
  const options = allowed(meta);
  switch (type) {
    case 'number':
      return sent === null ? `"${value}" is not a number` : undefined;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : `"${value}" is not a date (YYYY-MM-DD)`;
    case 'datetime':
      return Number.isNaN(Date.parse(value)) ? `"${value}" is not a date-time (ISO 8601)` : undefined;
    case 'option': {
      const v = (sent as { value: string }).value;
      return options && !options.includes(v) ? `"${v}" is not one of its options (${options.map((o) => `"${o}"`).join(', ')})` : undefined;
    }
    case 'array':
      if (schema.items === 'option' && options) {
        const bad = (sent as Array<{ value: string }>).map((o) => o.value).filter((v) => !options.includes(v));
        return bad.length ? `${bad.map((b) => `"${b}"`).join(', ')} not among its options (${options.map((o) => `"${o}"`).join(', ')})` : undefined;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** A sample of what a Halo attribute holds, to judge a mapped field by the same rule. */
export function sampleHaloValue(attribute: string): string {
  if (attribute === 'critical') return 'true';
  if (attribute.endsWith('_at')) return '2026-11-23T10:00:00.000Z';
  return 'sample';
}
