/**
 * Validates the `fields` / `update` of a create or edit request the way Jira does: project and
 * issue type, the create screen, required fields, values typed by the field schema, ADF and size.
 */
import { checkFieldValue, notSettable } from './fields';
import type { JiraSite } from './site';

export interface InputProblems {
  errorMessages: string[];
  errors: Record<string, string>;
}

export type IssueInput =
  | { ok: true; issueTypeId: string; fields: Record<string, unknown> }
  | ({ ok: false } & InputProblems);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Folds `update: {field: [{set|add|remove: v}]}` into plain field values. */
function applyUpdateOps(update: unknown, fields: Record<string, unknown>, current: Record<string, unknown>, errors: Record<string, string>): void {
  if (update === undefined) return;
  if (!isObject(update)) { errors.update = 'update must be an object of field operations'; return; }
  for (const [id, ops] of Object.entries(update)) {
    if (!Array.isArray(ops)) { errors[id] = 'Field operations must be a list'; continue; }
    for (const op of ops) {
      if (!isObject(op)) { errors[id] = 'Field operation must be an object'; continue; }
      if ('set' in op) fields[id] = op.set;
      else if ('add' in op && id === 'labels') fields[id] = [...((fields[id] ?? current[id] ?? []) as string[]), op.add];
      else if ('remove' in op && id === 'labels') fields[id] = ((fields[id] ?? current[id] ?? []) as string[]).filter((l) => l !== op.remove);
      else errors[id] = `Field '${id}' does not support the operation '${Object.keys(op).join(',')}'.`;
    }
  }
}

export function checkIssueInput(body: unknown, site: JiraSite, mode: 'create' | 'edit', current: Record<string, unknown> = {}): IssueInput {
  const errors: Record<string, string> = {};
  const raw = isObject(body) && isObject(body.fields) ? { ...body.fields } : {};
  applyUpdateOps(isObject(body) ? body.update : undefined, raw, current, errors);
  let issueTypeId = '';

  if (mode === 'create') {
    const project = isObject(raw.project) ? raw.project : undefined;
    const projectRef = typeof project?.key === 'string' ? project.key : typeof project?.id === 'string' ? project.id : undefined;
    if (!site.isProject(projectRef)) errors.project = 'Specify a valid project ID or key';
    else if (!site.allowed('CREATE_ISSUES')) errors.project = 'You do not have permission to create issues in this project.';
    const it = isObject(raw.issuetype) ? raw.issuetype : undefined;
    if (!it) errors.issuetype = 'Specify an issue type';
    else {
      const type = site.config.issueTypes.find((t) => t.id === it.id || t.name === it.name);
      if (!type) errors.issuetype = 'The issue type selected is invalid.';
      else issueTypeId = type.id;
    }
    if (raw.summary === undefined || raw.summary === '') errors.summary = 'You must specify a summary of the issue.';
    for (const f of site.fields) {
      if (f.custom && f.required && (raw[f.id] === undefined || raw[f.id] === null)) errors[f.id] = `${f.name} is required.`;
    }
  }
  delete raw.project;
  delete raw.issuetype;

  const fields: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(raw)) {
    const f = site.field(id);
    if (!f?.settable) { errors[id] = notSettable(id); continue; }
    if (errors[id]) continue;
    if (mode === 'edit' && f.id === 'summary' && (value === '' || value === null)) { errors.summary = 'You must specify a summary of the issue.'; continue; }
    const checked = checkFieldValue(f, value, site.valueContext());
    if (checked.ok) fields[id] = checked.value;
    else errors[id] = checked.message;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errorMessages: [], errors };
  return { ok: true, issueTypeId, fields };
}
