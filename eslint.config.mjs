// Lint rules for the whole project (sources, tests, scripts).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "schemas/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
      // `import * as z from "zod"`: esbuild tree-shakes the namespace; the named `z` re-export keeps every locale.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']",
          message: 'Use import * as z from "zod" (the bundle then keeps only the zod parts used).',
        },
      ],
    },
  },
  {
    files: ["shared/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@azure/*", "@microsoft/*"], message: "shared/domain is pure: no SDK imports." },
            { group: ["**/adapters/**", "**/app/**"], message: "shared/domain imports nothing from adapters or app." },
          ],
        },
      ],
    },
  },
  {
    files: ["shared/adapters/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/app/**"], message: "adapters never import use cases." }] },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts", "sandbox/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
