import { EnvReader, parsePairs } from '../../../shared/config/env';
import { ConfigError } from '../../../shared/errors';

function read<T>(env: Record<string, string>, fn: (r: EnvReader) => T): T {
  const r = new EnvReader(env);
  const out = fn(r);
  r.done();
  return out;
}

function problemOf(env: Record<string, string>, fn: (r: EnvReader) => unknown): string {
  try {
    read(env, fn);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('EnvReader', () => {
  it.each([
    ['true', true], ['TRUE', true], ['1', true], ['yes', true], ['Yes', true],
    ['false', false], ['0', false], ['NO', false], ['off', false],
  ])('bool %s → %s', (raw, expected) => {
    expect(read({ X: raw }, (r) => r.bool('X'))).toBe(expected);
  });

  it('bool unset takes the default', () => {
    expect(read({}, (r) => r.bool('X'))).toBe(false);
    expect(read({}, (r) => r.bool('X', { default: true }))).toBe(true);
  });

  it('rejects an unknown boolean word, naming variable, value and accepted forms', () => {
    const msg = problemOf({ DRY_RUN: 'trew' }, (r) => r.bool('DRY_RUN'));
    expect(msg).toContain('DRY_RUN="trew"');
    expect(msg).toContain('true/false, 1/0 or yes/no');
  });

  it('int: parses, applies default and bounds', () => {
    expect(read({ N: '42' }, (r) => r.int('N'))).toBe(42);
    expect(read({}, (r) => r.int('N', { default: 15 }))).toBe(15);
    expect(problemOf({ N: '0' }, (r) => r.int('N', { min: 1 }))).toContain('N="0"; expected a whole number ≥ 1');
    expect(problemOf({ N: '1.5' }, (r) => r.int('N'))).toContain('N="1.5"');
    expect(problemOf({ N: 'hello' }, (r) => r.int('N'))).toContain('N="hello"');
  });

  it('collects every problem into one error', () => {
    const msg = problemOf({ A: 'x', B: 'maybe' }, (r) => [r.int('A'), r.bool('B'), r.string('C', { required: true })]);
    expect(msg).toMatch(/A="x"/);
    expect(msg).toMatch(/B="maybe"/);
    expect(msg).toMatch(/C is not set/);
  });

  it('never echoes a secret value', () => {
    const msg = problemOf({ TOKEN: 'super-secret-value' }, (r) => r.string('TOKEN', { required: true, oneOf: ['a'], secret: true }));
    expect(msg).not.toContain('super-secret-value');
    expect(msg).toContain('TOKEN="<redacted>"');
  });

  it('treats blank as unset and trims whitespace', () => {
    expect(read({ S: '  v  ' }, (r) => r.string('S'))).toBe('v');
    expect(problemOf({ S: '   ' }, (r) => r.string('S', { required: true }))).toContain('S is not set');
  });

  it('list and url', () => {
    expect(read({ L: 'a, b,c' }, (r) => r.list('L'))).toEqual(['a', 'b', 'c']);
    expect(problemOf({ L: 'a,,b' }, (r) => r.list('L'))).toContain('L="a,,b"');
    expect(read({ U: 'http://127.0.0.1:8081' }, (r) => r.url('U'))).toBe('http://127.0.0.1:8081');
    expect(problemOf({ U: 'ftp://x' }, (r) => r.url('U'))).toContain('an absolute http(s) URL');
  });
});

describe('parsePairs', () => {
  it('parses key:value;key:value, splitting at the first colon only', () => {
    expect(parsePairs('K:V;hithere:hello yourself')).toEqual([['K', 'V'], ['hithere', 'hello yourself']]);
    expect(parsePairs('customfield_1:https://x')).toEqual([['customfield_1', 'https://x']]);
  });

  it('tolerates one trailing separator and surrounding spaces', () => {
    expect(parsePairs(' a : b ; ')).toEqual([['a', 'b']]);
  });

  it.each(['a', 'a:b;;c:d', ':b', 'a:'])('rejects the malformed %p instead of returning an empty mapping', (raw) => {
    expect(parsePairs(raw)).toBeUndefined();
  });
});
