/**
 * A JQL subset: tokenizer and recursive-descent parser producing an AST. Field and value meaning
 * is resolved later (jql-eval.ts). Errors carry Jira's wording so clients see the real messages.
 *
 *   query   := [or] [ORDER BY field [ASC|DESC] {, field [ASC|DESC]}]
 *   or      := and {OR and};  and := unary {AND unary};  unary := NOT unary | '(' or ')' | clause
 *   clause  := field op value | field [NOT] IN '(' value {, value} ')' | field IS [NOT] (EMPTY|NULL)
 */

export type FieldRef = { name: string } | { customId: number };
export type Operand = { text: string; quoted: boolean } | { fn: string } | { empty: true };
export type CompareOp = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<=';

export type JqlExpr =
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: Operand }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: Operand[] }
  | { kind: 'is'; field: FieldRef; negated: boolean }
  | { kind: 'and'; items: JqlExpr[] }
  | { kind: 'or'; items: JqlExpr[] }
  | { kind: 'not'; expr: JqlExpr };

interface OrderBy {
  field: FieldRef;
  direction: 'ASC' | 'DESC';
}

export interface JqlQuery {
  where?: JqlExpr;
  orderBy: OrderBy[];
}

export class JqlError extends Error {}

type Token =
  | { t: 'word'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'cf'; v: number; pos: number }
  | { t: 'op'; v: CompareOp; pos: number }
  | { t: '(' | ')' | ','; pos: number }
  | { t: 'fn'; v: string; pos: number };

const RESERVED = new Set(['+', '.', ';', '?', '|', '*', '/', '%', '^', '$', '#', '@', '[', ']', '{', '}', '&']);
const where = (pos: number): string => `(line 1, character ${pos + 1})`;

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === ',') { tokens.push({ t: c, pos: i }); i++; continue; }
    if (c === '"' || c === "'") {
      let v = '';
      let j = i + 1;
      for (; j < jql.length && jql[j] !== c; j++) {
        if (jql[j] === '\\' && j + 1 < jql.length) { j++; v += jql[j]; continue; }
        v += jql[j];
      }
      if (j >= jql.length) throw new JqlError(`Error in the JQL Query: The quoted string '${v}' has not been completed. ${where(i)}`);
      tokens.push({ t: 'string', v, pos: i });
      i = j + 1;
      continue;
    }
    const two = jql.slice(i, i + 2);
    if (two === '!=' || two === '!~' || two === '>=' || two === '<=') { tokens.push({ t: 'op', v: two, pos: i }); i += 2; continue; }
    if (c === '=' || c === '~' || c === '>' || c === '<') { tokens.push({ t: 'op', v: c, pos: i }); i++; continue; }
    const cf = /^cf\[(\d+)\]/i.exec(jql.slice(i));
    if (cf) { tokens.push({ t: 'cf', v: Number(cf[1]), pos: i }); i += cf[0].length; continue; }
    const word = /^[^\s=!~<>(),"']+/.exec(jql.slice(i));
    if (!word) throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character. ${where(i)}`);
    const text = word[0];
    const bad = [...text].find((ch, k) => RESERVED.has(ch) && !(ch === '*' && k === text.length - 1) && ch !== '.');
    if (bad) {
      throw new JqlError(`Error in the JQL Query: The character '${bad}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${bad.charCodeAt(0).toString(16).padStart(4, '0')}' instead. ${where(i)}`);
    }
    if (jql.slice(i + text.length, i + text.length + 2) === '()') {
      tokens.push({ t: 'fn', v: text, pos: i });
      i += text.length + 2;
      continue;
    }
    tokens.push({ t: 'word', v: text, pos: i });
    i += text.length;
  }
  return tokens;
}

const OPERATORS_HINT = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined { return this.tokens[this.i]; }
  private next(): Token | undefined { return this.tokens[this.i++]; }
  private isWord(word: string, tok = this.peek()): boolean {
    return tok?.t === 'word' && tok.v.toUpperCase() === word;
  }
  private describe(tok: Token | undefined): string {
    if (!tok) return 'the end of the query';
    return `'${'v' in tok ? String(tok.v) : tok.t}' ${where(tok.pos)}`;
  }

  parse(): JqlQuery {
    const query: JqlQuery = { orderBy: [] };
    if (this.peek() && !this.isWord('ORDER')) query.where = this.parseOr();
    if (this.isWord('ORDER')) {
      this.next();
      if (!this.isWord('BY')) throw new JqlError(`Error in the JQL Query: Expecting 'by' but got ${this.describe(this.peek())}.`);
      this.next();
      do {
        const field = this.parseField();
        let direction: 'ASC' | 'DESC' = 'ASC';
        if (this.isWord('ASC') || this.isWord('DESC')) direction = (this.next() as { v: string }).v.toUpperCase() as 'ASC' | 'DESC';
        query.orderBy.push({ field, direction });
      } while (this.peek()?.t === ',' && this.next());
    }
    const rest = this.peek();
    if (rest) throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got ${this.describe(rest)}.`);
    return query;
  }

  private parseOr(): JqlExpr {
    const items = [this.parseAnd()];
    while (this.isWord('OR')) { this.next(); items.push(this.parseAnd()); }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private parseAnd(): JqlExpr {
    const items = [this.parseUnary()];
    while (this.isWord('AND')) { this.next(); items.push(this.parseUnary()); }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private parseUnary(): JqlExpr {
    if (this.isWord('NOT')) { this.next(); return { kind: 'not', expr: this.parseUnary() }; }
    if (this.peek()?.t === '(') {
      this.next();
      const inner = this.parseOr();
      if (this.next()?.t !== ')') throw new JqlError("Error in the JQL Query: Expecting ')' before the end of the query.");
      return inner;
    }
    return this.parseClause();
  }

  private parseField(): FieldRef {
    const tok = this.next();
    if (tok?.t === 'cf') return { customId: tok.v };
    if (tok?.t === 'word' || tok?.t === 'string') return { name: tok.v };
    throw new JqlError(`Error in the JQL Query: Expecting a field name but got ${this.describe(tok)}.`);
  }

  private parseOperand(): Operand {
    const tok = this.next();
    if (tok?.t === 'string') return { text: tok.v, quoted: true };
    if (tok?.t === 'fn') return { fn: tok.v };
    if (tok?.t === 'word') return ['EMPTY', 'NULL'].includes(tok.v.toUpperCase()) ? { empty: true } : { text: tok.v, quoted: false };
    throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got ${this.describe(tok)}.`);
  }

  private parseClause(): JqlExpr {
    const field = this.parseField();
    const tok = this.peek();
    if (tok?.t === 'op') {
      this.next();
      return { kind: 'compare', field, op: tok.v, value: this.parseOperand() };
    }
    if (this.isWord('IS')) {
      this.next();
      const negated = this.isWord('NOT');
      if (negated) this.next();
      const v = this.parseOperand();
      if (!('empty' in v)) throw new JqlError("Error in the JQL Query: The operator 'is' can only be used with EMPTY or NULL.");
      return { kind: 'is', field, negated };
    }
    const negated = this.isWord('NOT');
    if (negated) this.next();
    if (this.isWord('IN')) {
      this.next();
      if (this.next()?.t !== '(') throw new JqlError(`Error in the JQL Query: Expecting '(' after 'in'.`);
      const values: Operand[] = [this.parseOperand()];
      while (this.peek()?.t === ',') { this.next(); values.push(this.parseOperand()); }
      if (this.next()?.t !== ')') throw new JqlError("Error in the JQL Query: Expecting ')' before the end of the query.");
      return { kind: 'in', field, negated, values };
    }
    throw new JqlError(`Error in the JQL Query: Expecting operator but got ${this.describe(this.peek())}. ${OPERATORS_HINT}`);
  }
}

export function parseJql(jql: string): JqlQuery {
  return new Parser(tokenize(jql)).parse();
}
