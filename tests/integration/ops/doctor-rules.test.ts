import { parseEnvFile, UsageError } from '../../../shared/cli';
import { valueProblem } from '../../../ops/doctor/values';
import { checkTransition, flowsOf, type TransitionRule } from '../../../ops/doctor/workflow';

// Pure rules of `npm run jira:doctor` (env files, workflow reading, field values).
describe('env file', () => {
  test('comments, export, quotes, escapes and inline comments', () => {
    const env = parseEnvFile(['# c', 'export A=1', "B='x #y'", 'C="a\\"b\\n"', 'D=plain # note', '', 'E='].join('\n'), '.env');
    expect(env).toEqual({ A: '1', B: 'x #y', C: 'a"b\n', D: 'plain', E: '' });
  });
  test.each(['NOPE', '1A=x', 'A="open'])('%s is a usage error naming the line', (line) => {
    expect(() => parseEnvFile(`OK=1\n${line}`, '.env')).toThrow(/^\.env:2: /);
    expect(() => parseEnvFile(line, 'f')).toThrow(UsageError);
  });
});

describe('workflow transitions', () => {
  const bean = {
    id: { name: 'WF' },
    statuses: [{ id: '1', name: 'Open' }, { id: '2', name: 'Blocked' }, { id: '6', name: 'Closed' }],
    transitions: [
      { id: '21', name: 'Close', from: ['1'], to: '6', type: 'directed' },
      { id: '31', name: 'Reopen', from: [], to: '1', type: 'global' },
    ],
  };
  const flows = flowsOf(bean, new Map());
  const close: TransitionRule = {
    variable: 'ISSUE_CLOSE_TRANSITION', transition: 'Close', mustStartFrom: ['Open', 'Blocked'], mustLeadTo: ['Closed'],
    fromLabel: 'an open status', toLabel: 'ISSUE_STATUS_CLOSED="Closed"',
  };
  test('passes, warning about open statuses it cannot leave', () => {
    const v = checkTransition(close, flows);
    expect(v.ok).toBe(true);
    expect(v.detail).toBe('"Close": Open → Closed (workflow "WF")');
    expect(v.warnings).toEqual(['"Close" is not available from "Blocked": tickets in those statuses are left as they are']);
  });
  test('a global transition starts from any status', () => {
    const v = checkTransition({ ...close, variable: 'ISSUE_REOPEN_TRANSITION', transition: 'Reopen', mustStartFrom: ['Closed'], mustLeadTo: ['Open', 'Blocked'] }, flows);
    expect(v).toMatchObject({ ok: true, warnings: [] });
    expect(v.detail).toContain('any status → Open');
  });
  test('case mismatch is named', () => {
    expect(checkTransition({ ...close, transition: 'close' }, flows).detail).toContain('did you mean "Close"?');
  });
  test('a transition only from closed statuses fails', () => {
    const v = checkTransition({ ...close, mustStartFrom: ['Blocked'] }, flows);
    expect(v.ok).toBe(false);
    expect(v.detail).toBe('"Close" starts only from "Open", never from an open status ("Blocked")');
  });
});

describe('field values', () => {
  const meta = (schema: object, allowedValues?: Array<{ value: string }>) => ({ id: 'customfield_1', name: 'F', schema, allowedValues });
  test.each([
    [{ type: 'string' }, 'x', undefined],
    [{ type: 'number' }, '12.5', undefined],
    [{ type: 'number' }, 'twelve', '"twelve" is not a number'],
    [{ type: 'date' }, '2026-11-23', undefined],
    [{ type: 'date' }, '2026-11-23T10:00:00Z', '"2026-11-23T10:00:00Z" is not a date (YYYY-MM-DD)'],
    [{ type: 'user' }, 'bob', 'it is a "user" field: the sync can only send text, numbers, dates or options'],
    [{ type: 'array', items: 'version' }, '1.0', 'it is a list of "version": the sync can only send labels or options'],
  ])('%j takes %s → %s', (schema, value, problem) => {
    expect(valueProblem(meta(schema), value)).toBe(problem);
  });
  test('options are checked against the allowed values', () => {
    const opts = [{ value: 'a' }, { value: 'b' }];
    expect(valueProblem(meta({ type: 'option' }, opts), 'a')).toBeUndefined();
    expect(valueProblem(meta({ type: 'option' }, opts), 'c')).toBe('"c" is not one of its options ("a", "b")');
    expect(valueProblem(meta({ type: 'array', items: 'option' }, opts), 'a, c')).toBe('"c" not among its options ("a", "b")');
  });
});
