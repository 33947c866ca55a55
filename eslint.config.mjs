// ESLint (flat config) with typescript-eslint's type-aware rules, run by `npm test` (npm run lint)
// after the build. `--report-unused-disable-directives` (in the lint script, and
// linterOptions below) fails on an eslint-disable comment that no longer disables anything.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '**/node_modules/**', 'coverage/**', 'test/fixtures/**', 'etc/**', '.tmp/**', '.scratch/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  // Type-aware rules for the TypeScript sources (tsconfig.json's project).
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Instrumentation code handles values of unknown shape from other libraries' objects
      // (SDK responses, module exports, span attributes) and narrows them at run time; the
      // `any`-flow rules would flag each access to such a value, not a defect.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Lazy loading is deliberate (start-up cost, docs/performance.md): `require()` of a module
      // only when its feature is configured, typed with `typeof import(...)`.
      '@typescript-eslint/no-require-imports': 'off',
      // `_`-prefixed parameters and caught errors are intentionally unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Plain JavaScript: the build scripts (CommonJS) and the packed-app fixtures.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
  },
);
