// A small Bicep reader for the structural checks of infra/ (there is no Bicep compiler here): it tokenizes and
// parses the declarations (targetScope, param, var, resource, module, output) and their expressions, and evaluates
// what can be known without Azure (literals, params' defaults, vars, a few functions); the rest stays Unknown.
import { readFileSync } from "node:fs";

// ---- syntax tree ----------------------------------------------------------------------------------------------------

export type Node =
  | { kind: "string"; parts: (string | Node)[]; text: string }
  | { kind: "number"; value: number; text: string }
  | { kind: "bool"; value: boolean; text: string }
  | { kind: "null"; text: string }
  | { kind: "object"; props: [string, Node][]; text: string }
  | { kind: "array"; items: Node[]; text: string }
  | { kind: "ref"; name: string; text: string }
  | { kind: "member"; object: Node; name: string; text: string }
  | { kind: "index"; object: Node; index: Node; text: string }
  | { kind: "call"; callee: string; args: Node[]; text: string }
  | { kind: "unary"; op: string; operand: Node; text: string }
  | { kind: "binary"; op: string; left: Node; right: Node; text: string }
  | { kind: "ternary"; test: Node; then: Node; else: Node; text: string }
  | { kind: "for"; item: string; index: string | undefined; source: Node; body: Node; text: string }
  | { kind: "if"; test: Node; body: Node; text: string };

export interface Decorator {
  name: string;
  args: Node[];
}

export interface Param {
  name: string;
  type: string;
  default: Node | undefined;
  decorators: Decorator[];
}

export interface Declared {
  symbol: string;
  /** resource: `Microsoft.X/y`; module: the path. */
  target: string;
  apiVersion: string | undefined;
  existing: boolean;
  /** The body (an object), unwrapped from `if (…)` and `[for …: …]`. */
  body: Extract<Node, { kind: "object" }>;
  condition: Node | undefined;
  loop: { item: string; index: string | undefined; source: Node } | undefined;
  line: number;
}

export interface BicepFile {
  path: string;
  source: string;
  targetScope: string | undefined;
  params: Map<string, Param>;
  vars: Map<string, Node>;
  resources: Declared[];
  modules: Declared[];
  outputs: Map<string, { type: string; value: Node; decorators: Decorator[] }>;
}

export class BicepSyntaxError extends Error {}

// ---- tokens ---------------------------------------------------------------------------------------------------------

type Token = { line: number; pos: number; end: number } & (
  | { t: "ident"; v: string }
  | { t: "number"; v: string }
  | { t: "string"; parts: (string | { expr: string; line: number })[]; multi: boolean }
  | { t: "punct"; v: string }
  | { t: "nl" }
  | { t: "eof" }
);

const PUNCT = ["??", "==", "!=", "<=", ">=", "&&", "||", ".?", "=~", "!~", ..."{}[]()<>:,.=?!+-*/%@|"];

function tokenize(src: string, firstLine = 1): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = firstLine;
  const fail = (msg: string): never => {
    throw new BicepSyntaxError(`line ${line}: ${msg}`);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\n") {
      out.push({ t: "nl", line, pos: i, end: i + 1 });
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") i++;
    else if (src.startsWith("//", i)) while (i < src.length && src[i] !== "\n") i++;
    else if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) fail("unterminated /* comment");
      for (const ch of src.slice(i, end)) if (ch === "\n") line++;
      i = end + 2;
    } else if (src.startsWith("'''", i)) {
      const end = src.indexOf("'''", i + 3);
      if (end < 0) fail("unterminated ''' string");
      const text = src.slice(i + 3, end);
      out.push({ t: "string", parts: [text], multi: true, line, pos: i, end: end + 3 });
      for (const ch of text) if (ch === "\n") line++;
      i = end + 3;
    } else if (c === "'") {
      const start = line;
      const pos = i;
      const parts: (string | { expr: string; line: number })[] = [];
      let lit = "";
      i++;
      for (;;) {
        if (i >= src.length || src[i] === "\n") fail("unterminated string");
        const ch = src[i]!;
        if (ch === "'") {
          i++;
          break;
        }
        if (ch === "\\") {
          const e = src[i + 1];
          const map: Record<string, string> = { "'": "'", "\\": "\\", n: "\n", r: "\r", t: "\t", $: "$" };
          if (e === undefined || !(e in map)) fail(`unknown escape \\${e ?? ""}`);
          lit += map[e!];
          i += 2;
        } else if (ch === "$" && src[i + 1] === "{") {
          let depth = 1;
          let j = i + 2;
          while (j < src.length && depth > 0) {
            if (src[j] === "{") depth++;
            else if (src[j] === "}") depth--;
            else if (src[j] === "'") {
              j++;
              while (j < src.length && src[j] !== "'") j += src[j] === "\\" ? 2 : 1;
            }
            j++;
          }
          if (depth !== 0) fail("unterminated ${…} in a string");
          if (lit) parts.push(lit);
          lit = "";
          parts.push({ expr: src.slice(i + 2, j - 1), line });
          i = j;
        } else {
          lit += ch;
          i++;
        }
      }
      if (lit || parts.length === 0) parts.push(lit);
      out.push({ t: "string", parts, multi: false, line: start, pos, end: i });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: "ident", v: m[0], line, pos: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: "number", v: m[0], line, pos: i, end: i + m[0].length });
      i += m[0].length;
    } else {
      const p = PUNCT.find((q) => src.startsWith(q, i));
      if (!p) fail(`unexpected character ${JSON.stringify(c)}`);
      out.push({ t: "punct", v: p!, line, pos: i, end: i + p!.length });
      i += p!.length;
    }
  }
  out.push({ t: "eof", line, pos: src.length, end: src.length });
  return out;
}

// ---- parser ---------------------------------------------------------------------------------------------------------

class Parser {
  private k = 0;
  constructor(
    private readonly toks: Token[],
    private readonly src: string,
  ) {}

  private get tok(): Token {
    return this.toks[this.k]!;
  }
  private fail(msg: string): never {
    throw new BicepSyntaxError(`line ${this.tok.line}: ${msg}`);
  }
  /** Not narrowed by TypeScript (the parser moves on between checks). */
  private at(kind: Token["t"]): boolean {
    return this.tok.t === kind;
  }
  private isPunct(v: string): boolean {
    return this.tok.t === "punct" && this.tok.v === v;
  }
  private isIdent(v?: string): boolean {
    return this.tok.t === "ident" && (v === undefined || this.tok.v === v);
  }
  private expectPunct(v: string): void {
    if (!this.isPunct(v)) this.fail(`expected '${v}'`);
    this.k++;
  }
  private ident(): string {
    if (this.tok.t !== "ident") this.fail("expected a name");
    return (this.toks[this.k++] as { v: string }).v;
  }
  private skipNl(): void {
    while (this.tok.t === "nl") this.k++;
  }
  private textFrom(startTok: number): string {
    return this.src.slice(this.toks[startTok]!.pos, this.toks[this.k - 1]!.end).trim();
  }

  file(path: string): BicepFile {
    const f: BicepFile = {
      path,
      source: this.src,
      targetScope: undefined,
      params: new Map(),
      vars: new Map(),
      resources: [],
      modules: [],
      outputs: new Map(),
    };
    for (;;) {
      this.skipNl();
      if (this.tok.t === "eof") return f;
      const decorators: Decorator[] = [];
      while (this.isPunct("@")) {
        this.k++;
        const name = this.ident();
        this.expectPunct("(");
        decorators.push({ name, args: this.args() });
        this.skipNl();
      }
      const line = this.tok.line;
      const kw = this.ident();
      if (kw === "targetScope") {
        this.expectPunct("=");
        const v = this.expr();
        f.targetScope = v.kind === "string" ? String(v.parts[0] ?? "") : undefined;
      } else if (kw === "param") {
        const name = this.ident();
        const type = this.typeName();
        let def: Node | undefined;
        if (this.isPunct("=")) {
          this.k++;
          def = this.expr();
        }
        f.params.set(name, { name, type, default: def, decorators });
      } else if (kw === "var") {
        const name = this.ident();
        this.expectPunct("=");
        f.vars.set(name, this.expr());
      } else if (kw === "resource" || kw === "module") {
        const symbol = this.ident();
        if (this.tok.t !== "string") this.fail(`expected the ${kw}'s type or path string`);
        const target = String((this.toks[this.k++] as { parts: unknown[] }).parts[0] ?? "");
        const existing = this.isIdent("existing");
        if (existing) this.k++;
        this.expectPunct("=");
        const value = this.declBody();
        const [type, apiVersion] = kw === "resource" ? target.split("@") : [target, undefined];
        const d: Declared = {
          symbol,
          target: type!,
          apiVersion,
          existing,
          body: value.body,
          condition: value.condition,
          loop: value.loop,
          line,
        };
        (kw === "resource" ? f.resources : f.modules).push(d);
      } else if (kw === "output") {
        const name = this.ident();
        const type = this.typeName();
        this.expectPunct("=");
        f.outputs.set(name, { type, value: this.expr(), decorators });
      } else this.fail(`'${kw}' is not supported by this checker (use param/var/resource/module/output)`);
      if (!this.at("nl") && !this.at("eof")) this.fail("expected the end of the line");
    }
  }

  private typeName(): string {
    const t = this.ident();
    return this.isPunct("[") ? (this.k++, this.expectPunct("]"), `${t}[]`) : t;
  }

  private declBody(): Pick<Declared, "body" | "condition" | "loop"> {
    const asObject = (n: Node) => {
      if (n.kind !== "object") this.fail("expected { … } as the declaration's body");
      return n as Extract<Node, { kind: "object" }>;
    };
    if (this.isIdent("if")) {
      this.k++;
      this.expectPunct("(");
      const condition = this.expr();
      this.expectPunct(")");
      return { body: asObject(this.primary()), condition, loop: undefined };
    }
    const n = this.expr();
    if (n.kind === "array" && n.items.length === 1 && n.items[0]!.kind === "for") {
      const f = n.items[0];
      const inner = f.body.kind === "if" ? f.body.body : f.body;
      return {
        body: asObject(inner),
        condition: f.body.kind === "if" ? f.body.test : undefined,
        loop: { item: f.item, index: f.index, source: f.source },
      };
    }
    return { body: asObject(n), condition: undefined, loop: undefined };
  }

  private args(): Node[] {
    const args: Node[] = [];
    this.skipNl();
    while (!this.isPunct(")")) {
      args.push(this.expr(true));
      this.skipNl();
      if (this.isPunct(",")) this.k++;
      this.skipNl();
    }
    this.k++;
    return args;
  }

  /** `inParens`: newlines inside (…) do not end the expression. */
  expr(inParens = false): Node {
    const start = this.k;
    const test = this.binary(0, inParens);
    if (this.isPunct("?")) {
      this.k++;
      if (inParens) this.skipNl();
      const then = this.expr(inParens);
      if (inParens) this.skipNl();
      this.expectPunct(":");
      if (inParens) this.skipNl();
      const els = this.expr(inParens);
      return { kind: "ternary", test, then, else: els, text: this.textFrom(start) };
    }
    return test;
  }

  private static PREC: Record<string, number> = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "==": 4,
    "!=": 4,
    "=~": 4,
    "!~": 4,
    "<": 5,
    ">": 5,
    "<=": 5,
    ">=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "%": 7,
  };

  private binary(min: number, inParens: boolean): Node {
    const start = this.k;
    let left = this.unary(inParens);
    for (;;) {
      const op = this.tok.t === "punct" ? this.tok.v : "";
      const prec = Parser.PREC[op];
      if (prec === undefined || prec <= min) return left;
      this.k++;
      if (inParens) this.skipNl();
      const right = this.binary(prec, inParens);
      left = { kind: "binary", op, left, right, text: this.textFrom(start) };
    }
  }

  private unary(inParens: boolean): Node {
    const start = this.k;
    if (this.isPunct("!") || this.isPunct("-")) {
      const op = (this.toks[this.k++] as { v: string }).v;
      return { kind: "unary", op, operand: this.unary(inParens), text: this.textFrom(start) };
    }
    return this.postfix();
  }

  private postfix(): Node {
    const start = this.k;
    let n = this.primary();
    for (;;) {
      if (this.isPunct(".") || this.isPunct(".?")) {
        this.k++;
        n = { kind: "member", object: n, name: this.ident(), text: "" };
      } else if (this.isPunct("[")) {
        this.k++;
        const index = this.expr(true);
        this.expectPunct("]");
        n = { kind: "index", object: n, index, text: "" };
      } else if (this.isPunct("(") && n.kind === "ref") {
        this.k++;
        n = { kind: "call", callee: n.name, args: this.args(), text: "" };
      } else if (this.isPunct("(") && n.kind === "member" && n.object.kind === "ref") {
        this.k++;
        n = { kind: "call", callee: `${n.object.name}.${n.name}`, args: this.args(), text: "" };
      } else return n.text === "" ? { ...n, text: this.textFrom(start) } : n;
      n.text = this.textFrom(start);
    }
  }

  primary(): Node {
    const start = this.k;
    const t = this.tok;
    if (t.t === "string") {
      this.k++;
      const parts = t.parts.map((p) =>
        typeof p === "string" ? p : new Parser(tokenize(p.expr, p.line), p.expr).expr(true),
      );
      return { kind: "string", parts, text: this.textFrom(start) };
    }
    if (t.t === "number") {
      this.k++;
      return { kind: "number", value: Number(t.v), text: t.v };
    }
    if (t.t === "ident") {
      this.k++;
      if (t.v === "true" || t.v === "false") return { kind: "bool", value: t.v === "true", text: t.v };
      if (t.v === "null") return { kind: "null", text: t.v };
      return { kind: "ref", name: t.v, text: t.v };
    }
    if (this.isPunct("(")) {
      this.k++;
      this.skipNl();
      const e = this.expr(true);
      this.skipNl();
      this.expectPunct(")");
      return e;
    }
    if (this.isPunct("{")) return this.object();
    if (this.isPunct("[")) return this.array();
    return this.fail("expected an expression");
  }

  private object(): Node {
    const start = this.k;
    this.expectPunct("{");
    const props: [string, Node][] = [];
    for (;;) {
      while (this.tok.t === "nl" || this.isPunct(",")) this.k++;
      if (this.isPunct("}")) break;
      let key: string;
      if (this.tok.t === "ident") key = this.ident();
      else if (this.tok.t === "string") {
        const s = this.primary() as Extract<Node, { kind: "string" }>;
        key = s.parts.map((p) => (typeof p === "string" ? p : `\${${p.text}}`)).join("");
      } else this.fail("expected a property name");
      this.expectPunct(":");
      props.push([key!, this.expr()]);
      if (!this.isPunct("}") && !this.isPunct(",") && !this.at("nl"))
        this.fail(`expected a new line after property '${key!}'`);
    }
    this.k++;
    return { kind: "object", props, text: this.textFrom(start) };
  }

  private array(): Node {
    const start = this.k;
    this.expectPunct("[");
    this.skipNl();
    if (this.isIdent("for")) {
      this.k++;
      let item: string;
      let index: string | undefined;
      if (this.isPunct("(")) {
        this.k++;
        item = this.ident();
        this.expectPunct(",");
        index = this.ident();
        this.expectPunct(")");
      } else item = this.ident();
      if (!this.isIdent("in")) this.fail("expected 'in'");
      this.k++;
      const source = this.expr(true);
      this.expectPunct(":");
      this.skipNl();
      let body: Node;
      if (this.isIdent("if")) {
        const ifStart = this.k;
        this.k++;
        this.expectPunct("(");
        const test = this.expr(true);
        this.expectPunct(")");
        const inner = this.primary();
        body = { kind: "if", test, body: inner, text: this.textFrom(ifStart) };
      } else body = this.expr(true);
      this.skipNl();
      this.expectPunct("]");
      const text = this.textFrom(start);
      return { kind: "array", items: [{ kind: "for", item, index, source, body, text }], text };
    }
    const items: Node[] = [];
    for (;;) {
      while (this.tok.t === "nl" || this.isPunct(",")) this.k++;
      if (this.isPunct("]")) break;
      items.push(this.expr());
    }
    this.k++;
    return { kind: "array", items, text: this.textFrom(start) };
  }
}

export function parseBicep(source: string, path = "(inline)"): BicepFile {
  try {
    return new Parser(tokenize(source), source).file(path);
  } catch (e) {
    if (e instanceof BicepSyntaxError) throw new BicepSyntaxError(`${path}: ${e.message}`);
    throw e;
  }
}

export function readBicep(path: string): BicepFile {
  return parseBicep(readFileSync(path, "utf8"), path);
}

// ---- evaluation -----------------------------------------------------------------------------------------------------

/** A value that needs Azure (a resource property, a module output, guid(), …): its source text is kept. */
export class Unknown {
  constructor(readonly text: string) {}
  toString(): string {
    return `\${${this.text}}`;
  }
}

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value } | Unknown;

export interface Scope {
  file: BicepFile;
  /** Values given for params (a module's caller); otherwise a param's default is used. */
  params?: Record<string, Value>;
  locals?: Record<string, Value>;
}

const known = (v: Value): v is Exclude<Value, Unknown> => !(v instanceof Unknown);

export function evaluate(node: Node, scope: Scope): Value {
  const ev = (n: Node) => evaluate(n, scope);
  switch (node.kind) {
    case "string": {
      const parts = node.parts.map((p) => (typeof p === "string" ? p : ev(p)));
      if (parts.every((p) => typeof p === "string" || typeof p === "number" || typeof p === "boolean"))
        return parts.join("");
      return new Unknown(parts.map((p) => (p instanceof Unknown ? p.toString() : String(p))).join(""));
    }
    case "number":
    case "bool":
      return node.value;
    case "null":
      return null;
    case "object":
      return Object.fromEntries(node.props.map(([k, v]) => [k, ev(v)]));
    case "array":
      return node.items.map(ev);
    case "ref": {
      const { file } = scope;
      if (scope.locals && node.name in scope.locals) return scope.locals[node.name]!;
      if (scope.params && node.name in scope.params) return scope.params[node.name]!;
      const p = file.params.get(node.name);
      if (p) return p.default ? ev(p.default) : new Unknown(node.name);
      const v = file.vars.get(node.name);
      if (v) return ev(v);
      return new Unknown(node.text);
    }
    case "member": {
      const o = ev(node.object);
      if (o && typeof o === "object" && !Array.isArray(o) && known(o)) return o[node.name] ?? new Unknown(node.text);
      return new Unknown(node.text);
    }
    case "index": {
      const o = ev(node.object);
      const i = ev(node.index);
      if (Array.isArray(o) && typeof i === "number") return o[i] ?? new Unknown(node.text);
      return new Unknown(node.text);
    }
    case "call": {
      const args = node.args.map(ev);
      const all = args.every(known);
      switch (node.callee) {
        case "string":
          return all && args.length === 1
            ? typeof args[0] === "string"
              ? args[0]
              : JSON.stringify(args[0])
            : new Unknown(node.text);
        case "empty":
          if (!all) return new Unknown(node.text);
          return (
            args[0] === null ||
            args[0] === "" ||
            (Array.isArray(args[0]) && args[0].length === 0) ||
            (typeof args[0] === "object" && args[0] !== null && Object.keys(args[0]).length === 0)
          );
        case "union":
          if (args.every((a) => a && typeof a === "object" && !Array.isArray(a) && known(a)))
            return Object.assign({}, ...(args as object[])) as Value;
          return new Unknown(node.text);
        case "toLower":
          return all && typeof args[0] === "string" ? args[0].toLowerCase() : new Unknown(node.text);
        default:
          return new Unknown(node.text);
      }
    }
    case "unary": {
      const v = ev(node.operand);
      if (!known(v)) return new Unknown(node.text);
      return node.op === "!" ? !v : -(v as number);
    }
    case "binary": {
      const l = ev(node.left);
      const r = ev(node.right);
      if (node.op === "??") return l === null ? r : l;
      if (!known(l) || !known(r)) return new Unknown(node.text);
      switch (node.op) {
        case "==":
          return l === r;
        case "!=":
          return l !== r;
        case "&&":
          return Boolean(l) && Boolean(r);
        case "||":
          return Boolean(l) || Boolean(r);
        default:
          return new Unknown(node.text);
      }
    }
    case "ternary": {
      const t = ev(node.test);
      if (typeof t === "boolean") return t ? ev(node.then) : ev(node.else);
      return new Unknown(node.text);
    }
    default:
      return new Unknown(node.text);
  }
}

/** A property of an object node by dotted path (`properties.functionAppConfig.runtime`). */
export function prop(node: Node | undefined, path: string): Node | undefined {
  let n = node;
  for (const key of path.split(".")) {
    if (!n || n.kind !== "object") return undefined;
    n = n.props.find(([k]) => k === key)?.[1];
  }
  return n;
}
