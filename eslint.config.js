// Lint rules: typescript-eslint strict-type-checked and no floating promises. Import cycles are banned by
// tools/check-import-cycles.ts, which `make lint` runs after ESLint.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".dev/", "coverage/", "**/*.js", "!eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports." }],
      "no-console": "off",
      complexity: ["warn", 15],
      "max-params": ["error", 4],
    },
  },
  {
    // `make dev` and `make up` use the test tree through one door, so the harness can change with the tests.
    files: ["dev/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{
          regex: "^(\\.\\./)+test/(?!harness/api\\.ts$|edge-emulator/server\\.ts$)",
          message: "dev/ uses the test tree only through test/harness/api.ts and test/edge-emulator/server.ts.",
        }],
      }],
    },
  },
  {
    // Nothing depends on `make dev`'s code: tests, benchmarks and the operator stand without it.
    files: ["src/**/*.ts", "edge-auth/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "tools/**/*.ts", "examples/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{ regex: "^(\\.\\./)+dev/", message: "dev/ holds `make dev` and `make up`; move what both need into test/harness." }],
      }],
    },
  },
  {
    files: ["eslint.config.js", "vitest.config.ts"],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { "no-restricted-syntax": "off" },
  },
);
