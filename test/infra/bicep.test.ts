// The Bicep reader used by the infra checks: what it parses and evaluates, and that bad input fails naming the line.
import { describe, expect, it } from "vitest";
import { BicepSyntaxError, evaluate, parseBicep, prop, Unknown } from "./bicep.js";

const valueOf = (src: string, name = "x") => {
  const f = parseBicep(src);
  return evaluate(f.vars.get(name)!, { file: f });
};

describe("parseBicep / evaluate", () => {
  it.each<[string, string, unknown]>([
    ["string with escapes", "var x = 'it\\'s a \\\\ path'", "it's a \\ path"],
    ["interpolation of a param default", "param p string = 'abc'\nvar x = 'pre-${p}-post'", "pre-abc-post"],
    [
      "interpolation of something unknown keeps its text",
      "var x = 'https://${site.properties.defaultHostName}/api'",
      new Unknown("https://${site.properties.defaultHostName}/api"),
    ],
    [
      "object on several lines and one line",
      "var x = {\n  a: 1\n  b: { c: true, d: null }\n}",
      { a: 1, b: { c: true, d: null } },
    ],
    ["array of strings", "var x = [\n  'a'\n  'b'\n]", ["a", "b"]],
    ["string() and empty()", "param n int = 21\nvar x = [string(n), empty(''), empty('a')]", ["21", true, false]],
    ["ternary on a known test", "param u string = ''\nvar x = empty(u) ? 'default' : u", "default"],
    ["member of a var object", "var o = { a: { b: 'deep' } }\nvar x = o.a.b", "deep"],
    ["multi-line ''' string", "var x = '''\nraw ${not} interpolated'''", "\nraw ${not} interpolated"],
    ["comments are skipped", "// line\n/* block\n over lines */ var x = 1 // trailing", 1],
  ])("%s", (_name, src, expected) => {
    expect(valueOf(src)).toEqual(expected);
  });

  it("reads resources with API versions, existing, conditions and loops", () => {
    const f = parseBicep(`
resource a 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'x'
}
resource b 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(p)) {
  scope: a
  name: guid(a.id)
}
resource c 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = [
  for q in queues: {
    name: q.name
  }
]
module m 'modules/x.bicep' = {
  name: 'm'
  params: { a: 1 }
}
output o string = 'v'
`);
    expect(f.resources.map((r) => [r.symbol, r.target, r.apiVersion, r.existing])).toEqual([
      ["a", "Microsoft.Storage/storageAccounts", "2023-05-01", true],
      ["b", "Microsoft.Authorization/roleAssignments", "2022-04-01", false],
      ["c", "Microsoft.ServiceBus/namespaces/queues", "2021-11-01", false],
    ]);
    expect(f.resources[1]!.condition?.text).toBe("!empty(p)");
    expect(f.resources[2]!.loop).toMatchObject({ item: "q", source: { kind: "ref", name: "queues" } });
    expect(prop(f.resources[1]!.body, "scope")).toMatchObject({ kind: "ref", name: "a" });
    expect(f.modules[0]).toMatchObject({ symbol: "m", target: "modules/x.bicep" });
    expect(f.outputs.get("o")?.type).toBe("string");
  });

  it.each([
    ["an unterminated string", "var x = 'abc", "line 1: unterminated string"],
    ["an unsupported declaration", "var a = 1\nfunc f() string => 'x'", "line 2: 'func' is not supported"],
    [
      "two properties on one line without a comma",
      "var x = {\n  a: 1 b: 2\n}",
      "line 2: expected a new line after property 'a'",
    ],
    ["an unknown escape", "var x = 'a\\qb'", "line 1: unknown escape"],
  ])("fails on %s, naming the line", (_name, src, message) => {
    expect(() => parseBicep(src, "t.bicep")).toThrow(BicepSyntaxError);
    expect(() => parseBicep(src, "t.bicep")).toThrow(`t.bicep: ${message}`);
  });
});
