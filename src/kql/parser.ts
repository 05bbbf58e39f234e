import type { Assignment, Expr, FunctionDef, FunctionParam, Op, ParsePart, Pipeline, Script, SortKey, Source, Statement } from './ast';
import { errorAt, type Pos } from './errors';
import { TUPLE_ITEM } from './ast';
import { tokenize, type Token } from './lexer';
import type { ColumnType } from './types';
import { parseDatetimeText, parseTimespanText, Timespan, timespanUnitMs } from './values';

const TYPE_NAMES: Record<string, ColumnType> = {
  string: 'string',
  guid: 'guid',
  uniqueid: 'guid',
  int: 'int',
  long: 'long',
  real: 'real',
  double: 'real',
  decimal: 'decimal',
  bool: 'bool',
  boolean: 'bool',
  datetime: 'datetime',
  date: 'datetime',
  timespan: 'timespan',
  time: 'timespan',
  dynamic: 'dynamic',
};

/** Binary operators written as words, between comparison and additive precedence. */
const WORD_OPERATORS = new Set([
  'has',
  '!has',
  'has_cs',
  '!has_cs',
  'hasprefix',
  '!hasprefix',
  'hasprefix_cs',
  '!hasprefix_cs',
  'hassuffix',
  '!hassuffix',
  'hassuffix_cs',
  '!hassuffix_cs',
  'contains',
  '!contains',
  'contains_cs',
  '!contains_cs',
  'startswith',
  '!startswith',
  'startswith_cs',
  '!startswith_cs',
  'endswith',
  '!endswith',
  'endswith_cs',
  '!endswith_cs',
  'has_any',
  'has_all',
  'matches',
]);
/** externaldata reads a URL from the query; a workspace's rules never reach outside it here. */
const EXTERNALDATA_REFUSED =
  "unsupported operator 'externaldata' (a query here reads only the workspace's tables; put the data in a table)";

const IN_OPERATORS = new Set(['in', '!in', 'in~', '!in~']);
const COMPARISONS = new Set(['==', '!=', '=~', '!~', '<', '<=', '>', '>=']);

const SUPPORTED_OPERATORS =
  'where, extend, project, project-away, project-keep, project-reorder, project-rename, summarize, order by, sort by, top, take, limit, distinct, count, join, lookup, mv-expand, mv-apply, make-series, serialize, union, parse, as, evaluate bag_unpack';

export function parseScript(text: string): Script {
  return new Parser(tokenize(text)).script();
}

class Parser {
  private i = 0;
  /** Names of user-defined tabular functions declared so far: a call of one is a tabular source. */
  private readonly tabularFns = new Set<string>();
  /** Names bound to tabular values by let, so a function whose result is one of them is tabular. */
  private readonly tabularLets = new Set<string>();
  constructor(private readonly toks: Token[]) {}

  private get t(): Token {
    return this.toks[this.i];
  }
  private atEnd(): boolean {
    return this.t.kind === 'eof';
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.toks[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private isPunct(p: string, t: Token = this.t): boolean {
    return t.kind === 'punct' && t.text === p;
  }
  private isWord(w: string, t: Token = this.t): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === w;
  }
  private expectPunct(p: string): Token {
    if (!this.isPunct(p)) throw this.unexpected(`'${p}'`);
    return this.next();
  }
  private expectWord(w: string): Token {
    if (!this.isWord(w)) throw this.unexpected(`'${w}'`);
    return this.next();
  }
  private unexpected(wanted: string): Error {
    const t = this.t;
    const got = t.kind === 'eof' ? 'end of query' : `'${t.text}'`;
    return errorAt(`expected ${wanted} but found ${got}`, t.pos);
  }
  private ident(what: string): Token {
    if (this.t.kind !== 'ident' || this.t.text.startsWith('!')) throw this.unexpected(what);
    return this.next();
  }
  /** A column name: plain, or bracketed ['name with spaces']. */
  private columnName(): { name: string; pos: Pos } {
    if (this.isPunct('[') && this.peek().kind === 'string' && this.isPunct(']', this.peek(2))) {
      const pos = this.next().pos;
      const name = this.next().text;
      this.next();
      return { name, pos };
    }
    const t = this.ident('a column name');
    return { name: t.text, pos: t.pos };
  }

  script(): Script {
    const lets: Statement[] = [];
    let query: Pipeline | undefined;
    while (!this.atEnd()) {
      if (this.isPunct(';')) {
        this.next();
        continue;
      }
      if (query) throw errorAt('only one query statement is supported; separate let statements with ;', this.t.pos);
      if (this.isWord('let')) {
        lets.push(this.letStatement());
        if (!this.atEnd()) this.expectPunct(';');
        continue;
      }
      if (this.t.kind === 'ident' && ['set', 'declare', 'alias', 'restrict', 'pattern'].includes(this.t.text.toLowerCase())) {
        throw errorAt(`unsupported statement '${this.t.text}'`, this.t.pos);
      }
      query = this.pipeline();
      if (!this.isPunct(';') && !this.atEnd()) throw this.unexpected("'|', ';' or end of query");
    }
    if (!query) throw errorAt('the query has no tabular statement to run', this.t.pos);
    return { lets, query };
  }

  private letStatement(): Statement {
    const pos = this.expectWord('let').pos;
    const name = this.ident('a name after let').text;
    this.expectPunct('=');
    if (this.isWord('view') && this.isPunct('(', this.peek())) {
      this.next();
      return this.functionDef(name, pos);
    }
    if (this.isPunct('(') && this.looksLikeLambda()) return this.functionDef(name, pos);
    if (this.t.kind === 'ident' && (this.isPunct(';', this.peek()) || this.peek().kind === 'eof')) {
      const target = this.next().text;
      return { k: 'let-alias', name, target, pos };
    }
    if (this.isTabularAhead()) {
      this.tabularLets.add(name);
      return { k: 'let-tabular', name, query: this.pipeline(), pos };
    }
    this.tabularLets.delete(name);
    return { k: 'let-scalar', name, expr: this.expr(), pos };
  }

  /** `(a:string, n:int = 5) { let x = ...; result }` after `let name =`. */
  private functionDef(name: string, pos: Pos): Statement {
    this.expectPunct('(');
    const params: FunctionParam[] = [];
    while (!this.isPunct(')')) {
      const p = this.ident('a parameter name');
      this.expectPunct(':');
      if (this.isPunct('(')) throw errorAt(`unsupported tabular parameter '${p.text}' of let function ${name}`, p.pos);
      const type = this.typeName();
      let dflt: Expr | undefined;
      if (this.isPunct('=')) {
        this.next();
        dflt = this.expr();
      }
      params.push({ name: p.text, type, default: dflt, pos: p.pos });
      if (!this.isPunct(')')) this.expectPunct(',');
    }
    this.next();
    this.expectPunct('{');
    const lets: Statement[] = [];
    let body: FunctionDef['body'] | undefined;
    while (!this.isPunct('}')) {
      if (this.isPunct(';')) {
        this.next();
        continue;
      }
      if (body) throw this.unexpected("'}' after the function's result");
      if (this.isWord('let')) {
        lets.push(this.letStatement());
        continue;
      }
      body = this.isTabularAhead(true) ? { k: 'query', query: this.pipeline() } : { k: 'expr', expr: this.expr() };
      // `{ let b = T | take 1; b }`: a result that names a tabular let is that table.
      if (body.k === 'expr' && body.expr.k === 'name' && this.tabularLets.has(body.expr.name)) {
        const { name: table, pos: at } = body.expr;
        body = { k: 'query', query: { source: { k: 'table', name: table, pos: at }, ops: [], pos: at } };
      }
    }
    this.next();
    if (!body) throw errorAt(`let function ${name} has no result`, pos);
    if (body.k === 'query') this.tabularFns.add(name);
    else this.tabularFns.delete(name);
    return { k: 'let-function', fn: { name, params, lets, body, pos }, pos };
  }

  private looksLikeLambda(): boolean {
    // (a:type, ...) { ... } — a parameter list followed by a body.
    let depth = 0;
    for (let j = this.i; j < this.toks.length; j++) {
      const t = this.toks[j];
      if (this.isPunct('(', t)) depth++;
      else if (this.isPunct(')', t)) {
        depth--;
        if (depth === 0) return this.isPunct('{', this.toks[j + 1]);
      }
    }
    return false;
  }

  /**
   * A let value is tabular when it starts with a tabular source word or a call of a tabular
   * function, or has a pipe before its ';' (inside a function body: at its own depth, before '}').
   */
  private isTabularAhead(inBody = false): boolean {
    // toscalar(T | ...) is a scalar, whatever pipes its query has.
    if (this.isWord('toscalar') && this.isPunct('(', this.peek())) return false;
    if (this.isWord('datatable') || this.isWord('union') || this.isWord('print') || this.isWord('range')) return true;
    if (
      this.t.kind === 'ident' &&
      this.isPunct('(', this.peek()) &&
      (this.tabularFns.has(this.t.text) || ['table', 'materialize'].includes(this.t.text))
    )
      return true;
    let depth = 0;
    for (let j = this.i; j < this.toks.length; j++) {
      const t = this.toks[j];
      if (t.kind === 'eof') return false;
      if (inBody) {
        if (this.isPunct('(', t) || this.isPunct('[', t) || this.isPunct('{', t)) depth++;
        else if (this.isPunct(')', t) || this.isPunct(']', t) || this.isPunct('}', t)) {
          if (depth === 0) return false;
          depth--;
        }
      }
      if (depth === 0 && this.isPunct(';', t)) return false;
      if (depth === 0 && this.isPunct('|', t)) return true;
    }
    return false;
  }

  pipeline(): Pipeline {
    const pos = this.t.pos;
    const source = this.source();
    const ops: Op[] = [];
    while (this.isPunct('|')) {
      this.next();
      ops.push(this.operator());
    }
    return { source, ops, pos };
  }

  /** `( query )`: a query in parentheses. */
  private parenthesized(): Pipeline {
    this.expectPunct('(');
    const query = this.pipeline();
    this.expectPunct(')');
    return query;
  }

  private source(): Source {
    const t = this.t;
    if (this.isPunct('(')) return { k: 'sub', query: this.parenthesized(), pos: t.pos };
    if (this.isWord('datatable')) return this.datatable();
    if (this.t.kind === 'ident' && this.t.text === 'print') {
      this.next();
      return { k: 'print', items: this.assignments(), pos: t.pos };
    }
    if (this.t.kind === 'ident' && this.t.text === 'range' && this.peek().kind === 'ident' && this.isWord('from', this.peek(2))) {
      this.next();
      const name = this.columnName().name;
      this.expectWord('from');
      const from = this.additive();
      this.expectWord('to');
      const to = this.additive();
      this.expectWord('step');
      const step = this.additive();
      return { k: 'range', name, from, to, step, pos: t.pos };
    }
    if (this.isWord('union')) {
      this.next();
      const { isfuzzy, withsource, sources } = this.unionBody(t.pos);
      if (withsource !== undefined && sources.some((x) => x.source.k !== 'table' || x.ops.length > 0)) {
        // Kusto names the underlying table even for a filtered leg; the engine only knows it for bare names.
        throw errorAt('unsupported union withsource= over a parenthesized query; name each table directly', t.pos);
      }
      return { k: 'union', isfuzzy, withsource, sources, pos: t.pos };
    }
    if (t.kind === 'ident' && !t.text.startsWith('!')) {
      if (t.text === 'externaldata') throw errorAt(EXTERNALDATA_REFUSED, t.pos);
      if (this.isPunct('(', this.peek())) return this.tabularCall();
      if (['search', 'find', 'materialize', 'cluster', 'database', 'workspace', 'app'].includes(t.text.toLowerCase())) {
        throw errorAt(`unsupported operator '${t.text}'`, t.pos);
      }
      this.next();
      return { k: 'table', name: t.text, pos: t.pos };
    }
    if (this.isPunct('[')) {
      const c = this.columnName();
      return { k: 'table', name: c.name, pos: c.pos };
    }
    throw this.unexpected('a table name, datatable, union or (subquery)');
  }

  /** table("name"), materialize(query), or a user-defined tabular function's call. */
  private tabularCall(): Source {
    const t = this.t;
    if (t.text === 'materialize') {
      this.next();
      return { k: 'sub', query: this.parenthesized(), pos: t.pos };
    }
    if (t.text !== 'table' && !this.tabularFns.has(t.text)) throw errorAt(`unsupported tabular function '${t.text}'`, t.pos);
    this.next();
    this.next();
    const args: Expr[] = [];
    while (!this.isPunct(')')) {
      args.push(this.expr());
      if (!this.isPunct(')')) this.expectPunct(',');
    }
    this.next();
    if (t.text === 'table') {
      if (args.length !== 1) throw errorAt('table() takes one argument, the table name', t.pos);
      return { k: 'table-expr', expr: args[0] as Expr, pos: t.pos };
    }
    return { k: 'call', name: t.text, args, pos: t.pos };
  }

  private datatable(): Source {
    const pos = this.expectWord('datatable').pos;
    this.expectPunct('(');
    const columns: { name: string; type: ColumnType }[] = [];
    while (!this.isPunct(')')) {
      const name = this.columnName().name;
      this.expectPunct(':');
      columns.push({ name, type: this.typeName() });
      if (!this.isPunct(')')) this.expectPunct(',');
    }
    this.next();
    this.expectPunct('[');
    const values: Expr[] = [];
    while (!this.isPunct(']')) {
      values.push(this.expr());
      if (!this.isPunct(']')) this.expectPunct(',');
    }
    this.next();
    if (columns.length === 0) throw errorAt('datatable needs at least one column', pos);
    if (values.length % columns.length !== 0) {
      throw errorAt(`datatable has ${values.length} values, not a multiple of its ${columns.length} columns`, pos);
    }
    return { k: 'datatable', columns, values, pos };
  }

  private typeName(): ColumnType {
    const t = this.t;
    const text = t.kind === 'ident' ? t.text.toLowerCase() : t.kind === 'timespanfn' ? '' : '';
    const type = TYPE_NAMES[text];
    if (!type) throw errorAt(`unknown type '${t.text}'`, t.pos);
    this.next();
    return type;
  }

  private unionBody(pos: Pos): { isfuzzy: boolean; withsource?: string; sources: Pipeline[] } {
    let isfuzzy = false;
    let withsource: string | undefined;
    while (this.t.kind === 'ident' && this.isPunct('=', this.peek())) {
      const p = this.next();
      this.next();
      const v = this.next();
      const key = p.text.toLowerCase();
      if (key === 'isfuzzy') {
        if (v.kind !== 'ident' || !['true', 'false'].includes(v.text.toLowerCase())) throw errorAt('isfuzzy must be true or false', v.pos);
        isfuzzy = v.text.toLowerCase() === 'true';
      } else if (key === 'withsource') {
        if (v.kind !== 'ident') throw errorAt('withsource needs a column name', v.pos);
        withsource = v.text;
      } else if (key === 'kind') {
        if (v.text.toLowerCase() !== 'outer') throw errorAt(`unsupported union kind '${v.text}'`, v.pos);
      } else {
        throw errorAt(`unsupported union parameter '${p.text}'`, p.pos);
      }
    }
    const sources: Pipeline[] = [];
    for (;;) {
      const t = this.t;
      if (this.isPunct('(')) {
        this.next();
        sources.push(this.pipeline());
        this.expectPunct(')');
      } else if (this.t.kind === 'ident' && this.isPunct('(', this.peek())) {
        sources.push({ source: this.tabularCall(), ops: [], pos: t.pos });
      } else {
        const c = this.columnName();
        if (this.isPunct('*')) throw errorAt('unsupported wildcard table name in union', c.pos);
        sources.push({ source: { k: 'table', name: c.name, pos: c.pos }, ops: [], pos: t.pos });
      }
      if (!this.isPunct(',')) break;
      this.next();
    }
    if (sources.length === 0) throw errorAt('union needs at least one table', pos);
    return { isfuzzy, withsource, sources };
  }

  private operator(): Op {
    const t = this.t;
    if (t.kind !== 'ident') throw this.unexpected('a query operator after |');
    // Operator names are case-sensitive in KQL: `Where` fails in Azure, so it fails here too.
    const name = t.text;
    const pos = t.pos;
    switch (name) {
      case 'where':
      case 'filter':
        this.next();
        return { k: 'where', pred: this.expr(), pos };
      case 'extend':
        this.next();
        return { k: 'extend', items: this.assignments(), pos };
      case 'project':
        this.next();
        return { k: 'project', items: this.assignments(), pos };
      case 'project-away':
      case 'project-keep':
      case 'project-reorder': {
        this.next();
        const names: string[] = [];
        do {
          if (names.length) this.next();
          let n: string;
          if (this.isPunct('*')) {
            // A pattern that starts with a wildcard, such as *1 (the columns a join suffixed).
            const star = this.next();
            n = '*';
            const rest = this.t;
            if (
              (rest.kind === 'ident' || rest.kind === 'long') &&
              rest.pos.line === star.pos.line &&
              rest.pos.column === star.pos.column + 1
            ) {
              n += rest.text;
              this.next();
            }
          } else n = this.columnName().name;
          if (this.isPunct('*')) {
            this.next();
            n += '*';
          }
          if (
            name === 'project-reorder' &&
            (this.isWord('asc') || this.isWord('desc') || this.isWord('granny-asc') || this.isWord('granny-desc'))
          ) {
            throw errorAt(`unsupported project-reorder ordering '${this.t.text}'`, this.t.pos);
          }
          names.push(n);
        } while (this.isPunct(','));
        return { k: name, names, pos };
      }
      case 'project-rename': {
        this.next();
        const pairs: { to: string; from: string }[] = [];
        do {
          if (pairs.length) this.next();
          const to = this.columnName().name;
          this.expectPunct('=');
          const from = this.columnName().name;
          pairs.push({ to, from });
        } while (this.isPunct(','));
        return { k: 'project-rename', pairs, pos };
      }
      case 'summarize': {
        this.next();
        this.rejectHint('summarize');
        const aggs = this.isWord('by') ? [] : this.assignments();
        let by: Assignment[] = [];
        if (this.isWord('by')) {
          this.next();
          by = this.assignments();
        }
        if (aggs.length === 0 && by.length === 0) throw errorAt('summarize needs an aggregate or a by clause', pos);
        return { k: 'summarize', aggs, by, pos };
      }
      case 'order':
      case 'sort':
        this.next();
        this.expectWord('by');
        return { k: 'sort', keys: this.sortKeys(), pos };
      case 'top': {
        this.next();
        const count = this.expr();
        this.expectWord('by');
        return { k: 'top', count, keys: this.sortKeys(), pos };
      }
      case 'take':
      case 'limit':
        this.next();
        return { k: 'take', count: this.expr(), pos };
      case 'distinct': {
        this.next();
        if (this.isPunct('*')) {
          this.next();
          return { k: 'distinct', items: '*', pos };
        }
        return { k: 'distinct', items: this.assignments(), pos };
      }
      case 'count':
        this.next();
        return { k: 'count', pos };
      case 'evaluate':
        this.next();
        return this.evaluate(pos);
      case 'as': {
        this.next();
        // hint.materialized only says how Kusto caches the value; the engine evaluates it once anyway.
        if (this.isWord('hint') && this.isPunct('.', this.peek()) && this.isWord('materialized', this.peek(2))) {
          this.i += 3;
          this.expectPunct('=');
          this.next();
        }
        return { k: 'as', name: this.columnName().name, pos };
      }
      case 'join':
        this.next();
        return this.join(pos);
      case 'lookup': {
        this.next();
        const j = this.join(pos, 'lookup');
        if (j.k !== 'join') throw errorAt('lookup', pos);
        if (j.kind !== 'leftouter' && j.kind !== 'inner')
          throw errorAt(`lookup supports kind=leftouter or kind=inner, not '${j.kind}'`, pos);
        return { k: 'lookup', kind: j.kind, right: j.right, on: j.on, pos };
      }
      case 'mv-expand':
      case 'mvexpand':
        this.next();
        return this.mvExpand(pos);
      case 'mv-apply':
        this.next();
        return this.mvApply(pos);
      case 'make-series':
        this.next();
        return this.makeSeries(pos);
      case 'serialize':
        // Rows keep their order in this engine; serialize only adds its optional columns.
        this.next();
        return {
          k: 'extend',
          items: this.isPunct('|') || this.isPunct(')') || this.isPunct(';') || this.atEnd() ? [] : this.assignments(),
          pos,
        };
      case 'parse':
        this.next();
        return this.parseOp(pos);
      case 'union': {
        this.next();
        const { isfuzzy, withsource, sources } = this.unionBody(pos);
        if (withsource !== undefined)
          throw errorAt('unsupported union withsource= after a pipe; start the query with union withsource=... instead', pos);
        return { k: 'union', isfuzzy, sources, pos };
      }
      default:
        throw errorAt(`unsupported operator '${t.text}' (supported: ${SUPPORTED_OPERATORS})`, pos);
    }
  }

  /** evaluate PLUGIN(...): bag_unpack is the plugin published rules use; the others are refused by name. */
  private evaluate(pos: Pos): Op {
    this.rejectHint('evaluate');
    const plugin = this.ident('a plugin name after evaluate');
    if (plugin.text !== 'bag_unpack') throw errorAt(`unsupported plugin '${plugin.text}' (evaluate runs only bag_unpack here)`, plugin.pos);
    this.expectPunct('(');
    const column = this.columnName().name;
    // The later arguments may be given by name (columnsConflict='keep_source'), as the reference writes them.
    const names = ['outputcolumnprefix', 'columnsconflict', 'ignoredproperties'];
    const args: Expr[] = [];
    while (this.isPunct(',')) {
      this.next();
      if (this.t.kind === 'ident' && this.isPunct('=', this.peek())) {
        const n = this.t;
        const i = names.indexOf(n.text.toLowerCase());
        if (i < 0) throw errorAt(`bag_unpack has no parameter '${n.text}' (OutputColumnPrefix, columnsConflict, ignoredProperties)`, n.pos);
        this.i += 2;
        args[i] = this.expr();
      } else args[args.length] = this.expr();
    }
    this.expectPunct(')');
    for (let i = 0; i < args.length; i++) {
      // A gap before a named argument is the parameter's default.
      args[i] ??= { k: 'lit', value: null, type: 'null', pos };
    }
    if (!this.isPunct(':')) return { k: 'bag-unpack', column, args, pos };
    this.next();
    this.expectPunct('(');
    const schema: { star: boolean; columns: { name: string; type: ColumnType }[] } = { star: false, columns: [] };
    if (this.isPunct('*')) {
      this.next();
      schema.star = true;
      if (!this.isPunct(')')) this.expectPunct(',');
    }
    while (!this.isPunct(')')) {
      const name = this.columnName().name;
      this.expectPunct(':');
      schema.columns.push({ name, type: this.typeName() });
      if (!this.isPunct(')')) this.expectPunct(',');
    }
    this.next();
    return { k: 'bag-unpack', column, args, schema, pos };
  }

  /** hint.strategy=... and friends change how Kusto runs a query, not what it returns; we do not accept them silently. */
  private rejectHint(op: string): void {
    if (this.isWord('hint') && this.isPunct('.', this.peek())) {
      throw errorAt(`unsupported ${op} parameter 'hint.${this.peek(2).text}'`, this.t.pos);
    }
  }

  private join(pos: Pos, op: 'join' | 'lookup' = 'join'): Op {
    let kind: string = op === 'lookup' ? 'leftouter' : 'innerunique';
    this.rejectHint(op);
    while (this.t.kind === 'ident' && this.isPunct('=', this.peek())) {
      const p = this.next();
      this.next();
      const v = this.next();
      if (p.text.toLowerCase() !== 'kind') throw errorAt(`unsupported ${op} parameter '${p.text}'`, p.pos);
      kind = v.text.toLowerCase();
      this.rejectHint(op);
      if (
        ![
          'inner',
          'innerunique',
          'leftouter',
          'leftanti',
          'leftantisemi',
          'leftsemi',
          'rightouter',
          'rightanti',
          'rightantisemi',
          'rightsemi',
          'fullouter',
          'anti',
          'semi',
        ].includes(kind)
      ) {
        throw errorAt(`unknown ${op} kind '${v.text}'`, v.pos);
      }
      if (kind === 'leftantisemi' || kind === 'anti') kind = 'leftanti';
      if (kind === 'semi') kind = 'leftsemi';
      if (kind === 'rightantisemi') kind = 'rightanti';
    }
    let right: Pipeline;
    if (this.isPunct('(')) {
      this.next();
      right = this.pipeline();
      this.expectPunct(')');
    } else {
      const c = this.columnName();
      right = { source: { k: 'table', name: c.name, pos: c.pos }, ops: [], pos: c.pos };
    }
    this.expectWord('on');
    const on: { left: string; right: string }[] = [];
    do {
      if (on.length) this.next();
      if (this.isPunct('$')) {
        const a = this.sideRef();
        this.expectPunct('==');
        const b = this.sideRef();
        if (a.side === b.side) throw errorAt('a join condition must compare $left with $right', a.pos);
        on.push(a.side === 'left' ? { left: a.name, right: b.name } : { left: b.name, right: a.name });
      } else {
        const c = this.columnName();
        on.push({ left: c.name, right: c.name });
      }
    } while (this.isPunct(','));
    return { k: 'join', kind: kind as Extract<Op, { k: 'join' }>['kind'], right, on, pos };
  }

  private parseOp(pos: Pos): Op {
    let kind: 'simple' | 'relaxed' | 'regex' = 'simple';
    while (this.t.kind === 'ident' && this.isPunct('=', this.peek())) {
      const p = this.next();
      this.next();
      const v = this.next();
      const key = p.text.toLowerCase();
      if (key === 'kind' && (v.text === 'simple' || v.text === 'relaxed' || v.text === 'regex')) kind = v.text;
      else if (key === 'kind') throw errorAt(`unsupported parse kind '${v.text}' (supported: simple, relaxed, regex)`, v.pos);
      else throw errorAt(`unsupported parse parameter '${p.text}'`, p.pos);
    }
    const expr = this.additive();
    this.expectWord('with');
    const pattern: ParsePart[] = [];
    while (!this.atEnd() && !this.isPunct('|') && !this.isPunct(';') && !this.isPunct(')')) {
      if (this.isPunct('*')) {
        this.next();
        pattern.push({ k: 'star' });
      } else if (this.t.kind === 'string') {
        let text = this.next().text;
        while (this.t.kind === 'string') text += this.next().text;
        pattern.push({ k: 'text', text });
      } else {
        const c = this.columnName();
        let type: ColumnType = 'string';
        if (this.isPunct(':')) {
          this.next();
          type = this.typeName();
        }
        pattern.push({ k: 'column', name: c.name, type, pos: c.pos });
      }
      if (this.isPunct(',')) this.next();
    }
    if (!pattern.some((p) => p.k === 'column')) throw errorAt('parse needs at least one column in its pattern', pos);
    return { k: 'parse', kind, expr, pattern, pos };
  }

  private sideRef(): { side: 'left' | 'right'; name: string; pos: Pos } {
    const pos = this.expectPunct('$').pos;
    const s = this.ident('left or right').text.toLowerCase();
    if (s !== 'left' && s !== 'right') throw errorAt(`expected $left or $right, found $${s}`, pos);
    this.expectPunct('.');
    return { side: s, name: this.columnName().name, pos };
  }

  /** make-series Agg [default = d], ... on Axis [from a] [to b] step s [by Col, ...] */
  private makeSeries(pos: Pos): Op {
    if (this.isWord('kind') && this.isPunct('=', this.peek())) throw errorAt(`unsupported make-series parameter 'kind'`, this.t.pos);
    const aggs: { agg: Assignment; default?: Expr }[] = [];
    do {
      if (aggs.length > 0) this.next();
      const agg = this.assignment();
      let dflt: Expr | undefined;
      if (this.isWord('default') && this.isPunct('=', this.peek())) {
        this.next();
        this.next();
        dflt = this.expr();
      }
      aggs.push({ agg, default: dflt });
    } while (this.isPunct(','));
    this.expectWord('on');
    const axis = this.additive();
    let from: Expr | undefined;
    let to: Expr | undefined;
    if (this.isWord('in')) throw errorAt("unsupported make-series 'in range(...)'; write from ... to ... step ...", this.t.pos);
    if (this.isWord('from')) {
      this.next();
      from = this.additive();
    }
    if (this.isWord('to')) {
      this.next();
      to = this.additive();
    }
    this.expectWord('step');
    const step = this.additive();
    let by: Assignment[] = [];
    if (this.isWord('by')) {
      this.next();
      by = this.assignments();
    }
    return { k: 'make-series', aggs, axis, from, to, step, by, pos };
  }

  /** mv-apply [with_itemindex=I] [name =] expr [to typeof(T)], ... [limit n] on ( op | op ... ) */
  private mvApply(pos: Pos): Op {
    let itemIndex: string | undefined;
    if (this.isWord('with_itemindex') && this.isPunct('=', this.peek())) {
      this.next();
      this.next();
      itemIndex = this.columnName().name;
    }
    const expand = this.mvExpand(pos) as Extract<Op, { k: 'mv-expand' }>;
    if (expand.bagAsArray || expand.itemIndex !== undefined)
      throw errorAt('unsupported mv-apply parameter (kind=, or with_itemindex after the first item)', pos);
    this.expectWord('on');
    this.expectPunct('(');
    const ops: Op[] = [this.operator()];
    while (this.isPunct('|')) {
      this.next();
      ops.push(this.operator());
    }
    this.expectPunct(')');
    return { k: 'mv-apply', items: expand.items, limit: expand.limit, itemIndex, ops, pos };
  }

  private mvExpand(pos: Pos): Op {
    let bagAsArray = false;
    let itemIndex: string | undefined;
    while (this.t.kind === 'ident' && this.isPunct('=', this.peek()) && ['bagexpansion', 'with_itemindex', 'kind'].includes(this.t.text)) {
      const p = this.next();
      this.next();
      if (p.text === 'with_itemindex') {
        itemIndex = this.columnName().name;
        continue;
      }
      const v = this.next();
      if (v.text !== 'bag' && v.text !== 'array') throw errorAt(`unknown mv-expand ${p.text} '${v.text}' (bag or array)`, v.pos);
      bagAsArray = v.text === 'array';
    }
    const items: { name?: string; expr: Expr; type?: ColumnType; pos: Pos }[] = [];
    do {
      if (items.length) this.next();
      const a = this.assignment();
      let type: ColumnType | undefined;
      if (this.isWord('to')) {
        this.next();
        this.expectWord('typeof');
        this.expectPunct('(');
        type = this.typeName();
        this.expectPunct(')');
      }
      items.push({ ...a, type });
    } while (this.isPunct(','));
    let limit: Expr | undefined;
    if (this.isWord('limit')) {
      this.next();
      limit = this.expr();
    }
    return { k: 'mv-expand', items, limit, bagAsArray, itemIndex, pos };
  }

  private sortKeys(): SortKey[] {
    const keys: SortKey[] = [];
    do {
      if (keys.length) this.next();
      const expr = this.expr();
      let desc = true;
      if (this.isWord('asc')) {
        desc = false;
        this.next();
      } else if (this.isWord('desc')) this.next();
      let nullsFirst = !desc;
      if (this.isWord('nulls')) {
        this.next();
        if (this.isWord('first')) nullsFirst = true;
        else if (this.isWord('last')) nullsFirst = false;
        else throw this.unexpected("'first' or 'last'");
        this.next();
      }
      keys.push({ expr, desc, nullsFirst });
    } while (this.isPunct(','));
    return keys;
  }

  private assignments(): Assignment[] {
    const items: Assignment[] = this.assignmentOrTuple();
    while (this.isPunct(',')) {
      this.next();
      items.push(...this.assignmentOrTuple());
    }
    return items;
  }

  /** `(a, b, c) = f(...)` names each output of a multi-output function; anything else is one assignment. */
  private assignmentOrTuple(): Assignment[] {
    const pos = this.t.pos;
    if (!this.isPunct('(') || this.peek().kind !== 'ident' || !(this.isPunct(',', this.peek(2)) || this.isPunct(')', this.peek(2))))
      return [this.assignment()];
    let j = this.i + 1;
    const names: string[] = [];
    for (;;) {
      const t = this.toks[j];
      if (t?.kind !== 'ident') return [this.assignment()];
      names.push(t.text);
      if (this.isPunct(')', this.toks[j + 1])) break;
      if (!this.isPunct(',', this.toks[j + 1])) return [this.assignment()];
      j += 2;
    }
    if (!this.isPunct('=', this.toks[j + 2])) return [this.assignment()];
    this.i = j + 3;
    const expr = this.expr();
    return names.map((name, i) => ({
      name,
      expr: { k: 'call', name: TUPLE_ITEM, args: [expr, { k: 'lit', value: i, type: 'long', pos }], pos },
      pos,
    }));
  }

  private assignment(): Assignment {
    const pos = this.t.pos;
    if (this.isPunct('(') && this.peek().kind === 'ident' && (this.isPunct(',', this.peek(2)) || this.isPunct(')', this.peek(2)))) {
      // (a, b) = f(...) assigns several names; only arg_max/arg_min-style tuples need it and we do not support it.
      let j = this.i;
      while (!this.isPunct(')', this.toks[j]) && this.toks[j].kind !== 'eof') j++;
      if (this.isPunct('=', this.toks[j + 1])) throw errorAt('unsupported tuple assignment (a, b) = ...', pos);
    }
    if (this.t.kind === 'ident' && !this.t.text.startsWith('!') && this.isPunct('=', this.peek())) {
      const name = this.next().text;
      this.next();
      return { name, expr: this.expr(), pos };
    }
    if (this.isPunct('[') && this.peek().kind === 'string' && this.isPunct(']', this.peek(2)) && this.isPunct('=', this.peek(3))) {
      const name = this.columnName().name;
      this.next();
      return { name, expr: this.expr(), pos };
    }
    return { expr: this.expr(), pos };
  }

  // ---- scalar expressions ----

  expr(): Expr {
    return this.or();
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      const pos = this.next().pos;
      left = { k: 'binary', op: 'or', left, right: this.and(), pos };
    }
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.isWord('and')) {
      const pos = this.next().pos;
      left = { k: 'binary', op: 'and', left, right: this.comparison(), pos };
    }
    return left;
  }

  private comparison(): Expr {
    let left = this.additive();
    for (;;) {
      const t = this.t;
      if (t.kind === 'punct' && COMPARISONS.has(t.text)) {
        this.next();
        left = { k: 'binary', op: t.text, left, right: this.additive(), pos: t.pos };
        continue;
      }
      if (t.kind !== 'ident') return left;
      const w = t.text.toLowerCase();
      if (IN_OPERATORS.has(w)) {
        this.next();
        const sub = this.tabularList();
        if (sub) {
          left = { k: 'in', op: w, left, list: [], sub, pos: t.pos };
          continue;
        }
        this.expectPunct('(');
        const list: Expr[] = [];
        while (!this.isPunct(')')) {
          list.push(this.expr());
          if (!this.isPunct(')')) this.expectPunct(',');
        }
        this.next();
        if (list.length === 0) throw errorAt(`'${t.text}' needs at least one value`, t.pos);
        left = { k: 'in', op: w, left, list, pos: t.pos };
        continue;
      }
      if (w === 'between' || w === '!between') {
        this.next();
        this.expectPunct('(');
        const lo = this.additive();
        this.expectPunct('..');
        const hi = this.additive();
        this.expectPunct(')');
        left = { k: 'between', negated: w === '!between', left, lo, hi, pos: t.pos };
        continue;
      }
      if (w === 'has_any' || w === 'has_all') {
        this.next();
        const sub = this.tabularList();
        if (sub) {
          left = { k: 'in', op: w, left, list: [], sub, pos: t.pos };
          continue;
        }
        this.expectPunct('(');
        const list: Expr[] = [];
        while (!this.isPunct(')')) {
          list.push(this.expr());
          if (!this.isPunct(')')) this.expectPunct(',');
        }
        this.next();
        if (list.length === 0) throw errorAt(`'${t.text}' needs at least one value`, t.pos);
        left = { k: 'in', op: w, left, list, pos: t.pos };
        continue;
      }
      if (w === 'matches') {
        this.next();
        this.expectWord('regex');
        left = { k: 'binary', op: 'matches regex', left, right: this.additive(), pos: t.pos };
        continue;
      }
      if (WORD_OPERATORS.has(w)) {
        this.next();
        left = { k: 'binary', op: w, left, right: this.additive(), pos: t.pos };
        continue;
      }
      if (t.text.startsWith('!') || /^(has|contains|startswith|endswith|hasprefix|hassuffix|like|notlike|notcontains|nothas)/i.test(w)) {
        throw errorAt(`unsupported operator '${t.text}'`, t.pos);
      }
      return left;
    }
  }

  /**
   * `x in (T | where ... | project y)`: a parenthesized query instead of a list of values. A bare
   * name (`x in (T)`) parses as a list; the compiler reads it as a table when no column or let has it.
   */
  private tabularList(): Pipeline | undefined {
    if (!this.isPunct('(')) return undefined;
    let depth = 0;
    for (let j = this.i; j < this.toks.length; j++) {
      const t = this.toks[j];
      if (this.isPunct('(', t)) depth++;
      else if (this.isPunct(')', t)) {
        depth--;
        if (depth === 0) return undefined;
      } else if (this.isPunct('|', t) || this.startsTabular(j)) return this.parenthesized();
    }
    return undefined;
  }

  /** print x, range x from, union T, datatable(...): a tabular expression starts at token j. */
  private startsTabular(j: number): boolean {
    const t = this.toks[j];
    const n = this.toks[j + 1];
    if (t.kind !== 'ident') return false;
    if (t.text === 'datatable') return this.isPunct('(', n);
    return ['print', 'range', 'union'].includes(t.text) && n !== undefined && n.kind === 'ident';
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isPunct('+') || this.isPunct('-')) {
      const t = this.next();
      left = { k: 'binary', op: t.text, left, right: this.multiplicative(), pos: t.pos };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isPunct('*') || this.isPunct('/') || this.isPunct('%')) {
      const t = this.next();
      left = { k: 'binary', op: t.text, left, right: this.unary(), pos: t.pos };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isPunct('-')) {
      const pos = this.next().pos;
      const operand = this.unary();
      if (operand.k === 'lit' && typeof operand.value === 'number') return { ...operand, value: -operand.value, pos };
      if (operand.k === 'lit' && operand.value instanceof Timespan) return { ...operand, value: new Timespan(-operand.value.ms), pos };
      return { k: 'neg', operand, pos };
    }
    if (this.isPunct('+')) {
      this.next();
      return this.unary();
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.isPunct('.')) {
        const pos = this.next().pos;
        if (this.isPunct('[')) continue; // a.['b'] is the same as a['b']
        const t = this.t;
        if (t.kind !== 'ident' && t.kind !== 'long') throw this.unexpected('a property name after .');
        this.next();
        e = { k: 'member', obj: e, name: t.text, pos };
        continue;
      }
      if (this.isPunct('[')) {
        const pos = this.next().pos;
        const index = this.expr();
        this.expectPunct(']');
        e = { k: 'index', obj: e, index, pos };
        continue;
      }
      return e;
    }
  }

  private primary(): Expr {
    const t = this.t;
    switch (t.kind) {
      case 'string': {
        this.next();
        let value = t.text;
        while (this.t.kind === 'string') value += this.next().text; // adjacent literals concatenate
        return { k: 'lit', value, type: 'string', pos: t.pos };
      }
      case 'long':
        this.next();
        return { k: 'lit', value: t.num, type: 'long', pos: t.pos };
      case 'real':
        this.next();
        return { k: 'lit', value: t.num, type: 'real', pos: t.pos };
      case 'timespan':
        this.next();
        return { k: 'lit', value: new Timespan(t.num ?? 0), type: 'timespan', pos: t.pos };
      case 'datetime': {
        this.next();
        const raw = unquote(t.text);
        if (raw.toLowerCase() === 'null') return { k: 'lit', value: null, type: 'datetime', pos: t.pos };
        // Kusto keeps 100-ns ticks; the engine keeps milliseconds, so finer literals would be cut silently.
        if (/\.\d{3}\d*[1-9]/.test(raw))
          throw errorAt(`unsupported datetime literal '${t.text}': the engine keeps millisecond precision, not 100-ns ticks`, t.pos);
        const d = parseDatetimeText(raw);
        if (!d) throw errorAt(`bad datetime literal '${t.text}'`, t.pos);
        return { k: 'lit', value: d, type: 'datetime', pos: t.pos };
      }
      case 'timespanfn': {
        this.next();
        const raw = unquote(t.text);
        if (raw.toLowerCase() === 'null') return { k: 'lit', value: null, type: 'timespan', pos: t.pos };
        const ts = parseTimespanLiteral(raw);
        if (!ts) throw errorAt(`bad timespan literal '${t.text}'`, t.pos);
        return { k: 'lit', value: ts, type: 'timespan', pos: t.pos };
      }
      case 'punct':
        if (t.text === '(') {
          this.next();
          const e = this.expr();
          if (this.isPunct(',')) throw errorAt('unsupported tuple expression', this.t.pos);
          this.expectPunct(')');
          return e;
        }
        if (t.text === '$') {
          const s = this.sideRef();
          return { k: 'side', side: s.side, name: s.name, pos: s.pos };
        }
        if (t.text === '*') {
          this.next();
          return { k: 'star', pos: t.pos };
        }
        if (t.text === '[' && this.peek().kind === 'string' && this.isPunct(']', this.peek(2))) {
          const c = this.columnName();
          return { k: 'name', name: c.name, pos: c.pos };
        }
        throw this.unexpected('an expression');
      case 'ident': {
        const lower = t.text.toLowerCase();
        if (t.text.startsWith('!')) throw this.unexpected('an expression');
        if (lower === 'true' || lower === 'false') {
          this.next();
          return { k: 'lit', value: lower === 'true', type: 'bool', pos: t.pos };
        }
        if (lower === 'dynamic' && this.isPunct('(', this.peek())) {
          this.next();
          this.next();
          const value = this.jsonValue();
          this.expectPunct(')');
          return { k: 'lit', value, type: 'dynamic', pos: t.pos };
        }
        if (this.isPunct('(', this.peek())) {
          // Functions whose argument is a tabular expression.
          if (t.text === 'toscalar') {
            this.next();
            return { k: 'toscalar', query: this.parenthesized(), pos: t.pos };
          }
          if (t.text === 'externaldata') throw errorAt(EXTERNALDATA_REFUSED, t.pos);
          if (['materialize', 'view'].includes(t.text)) throw errorAt(`unsupported function '${t.text}'`, t.pos);
          if (t.text === 'typeof') {
            this.next();
            this.next();
            const type = this.typeName();
            this.expectPunct(')');
            return { k: 'typeof', type, pos: t.pos };
          }
          const typed = TYPE_NAMES[lower];
          if (typed && this.isWord('null', this.peek(2)) && this.isPunct(')', this.peek(3))) {
            this.i += 4;
            return { k: 'lit', value: null, type: typed, pos: t.pos };
          }
          const cast = typed ? this.castLiteral(typed) : undefined;
          if (cast) return cast;
          this.next();
          this.next();
          const args: Expr[] = [];
          let named = false;
          while (!this.isPunct(')')) {
            // `make_set(x, MaxSize=8)`: Microsoft's analyzer binds a named argument by its position, so does this.
            if (this.t.kind === 'ident' && this.isPunct('=', this.peek())) {
              this.i += 2;
              named = true;
            } else if (named) throw errorAt('a positional argument cannot follow a named one', this.t.pos);
            args.push(this.expr());
            if (!this.isPunct(')')) this.expectPunct(',');
          }
          this.next();
          return { k: 'call', name: t.text, args, pos: t.pos };
        }
        this.next();
        return { k: 'name', name: t.text, pos: t.pos };
      }
      default:
        throw this.unexpected('an expression');
    }
  }

  /** Cast-style literals: int(5), long(-3), real(1.5), real(nan), real(+inf), bool(true). */
  private castLiteral(type: ColumnType): Expr | undefined {
    const pos = this.t.pos;
    let j = 2;
    let sign = 1;
    if (this.isPunct('-', this.peek(j)) || this.isPunct('+', this.peek(j))) {
      sign = this.isPunct('-', this.peek(j)) ? -1 : 1;
      j++;
    }
    const v = this.peek(j);
    if (!this.isPunct(')', this.peek(j + 1))) return undefined;
    let value: unknown;
    if ((v.kind === 'long' || v.kind === 'real') && v.num !== undefined) {
      value = sign * v.num;
      if (type === 'int' || type === 'long') {
        if (!Number.isInteger(value)) throw errorAt(`${type}(${v.text}) is not an integer`, pos);
      } else if (type !== 'real' && type !== 'decimal') return undefined;
    } else if (v.kind === 'ident' && type === 'real' && ['nan', 'inf'].includes(v.text.toLowerCase())) {
      value = v.text.toLowerCase() === 'nan' ? NaN : sign * Infinity;
    } else if (v.kind === 'ident' && type === 'bool' && j === 2 && ['true', 'false'].includes(v.text.toLowerCase())) {
      value = v.text.toLowerCase() === 'true';
    } else return undefined;
    this.i += j + 2;
    return { k: 'lit', value, type, pos };
  }

  /** The inside of dynamic(...): JSON with KQL literals. */
  private jsonValue(): unknown {
    const t = this.t;
    if (this.isPunct('[')) {
      this.next();
      const arr: unknown[] = [];
      while (!this.isPunct(']')) {
        arr.push(this.jsonValue());
        if (!this.isPunct(']')) this.expectPunct(',');
      }
      this.next();
      return arr;
    }
    if (this.isPunct('{')) {
      this.next();
      const obj: Record<string, unknown> = {};
      while (!this.isPunct('}')) {
        const k = this.t;
        if (k.kind !== 'string' && k.kind !== 'ident') throw this.unexpected('a property name');
        this.next();
        this.expectPunct(':');
        obj[k.text] = this.jsonValue();
        if (!this.isPunct('}')) this.expectPunct(',');
      }
      this.next();
      return obj;
    }
    if (this.isPunct('-')) {
      this.next();
      const v = this.jsonValue();
      if (typeof v !== 'number') throw errorAt('expected a number after -', t.pos);
      return -v;
    }
    this.next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'long' || t.kind === 'real') return t.num;
    if (t.kind === 'ident') {
      const w = t.text.toLowerCase();
      if (w === 'null') return null;
      if (w === 'true') return true;
      if (w === 'false') return false;
    }
    if (t.kind === 'datetime') {
      const d = parseDatetimeText(unquote(t.text));
      if (!d) throw errorAt(`bad datetime literal '${t.text}'`, t.pos);
      return d.toISOString();
    }
    if (t.kind === 'timespan') return new Timespan(t.num ?? 0).toString();
    this.i--;
    throw this.unexpected('a value inside dynamic(...)');
  }
}

function unquote(raw: string): string {
  const m = /^@?(["'])(.*)\1$/s.exec(raw);
  return m ? m[2] : raw;
}

function parseTimespanLiteral(raw: string): Timespan | undefined {
  const m = /^(-?\d+(?:\.\d+)?)\s*([A-Za-z]+)?$/.exec(raw);
  if (m) {
    if (!m[2]) return new Timespan(Number(m[1]) * 86400000); // timespan(2) is two days
    const u = timespanUnitMs(m[2]);
    return u === undefined ? undefined : new Timespan(Number(m[1]) * u);
  }
  return parseTimespanText(raw);
}
