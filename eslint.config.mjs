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
      // Escaping and stripping control characters (src/internal/text.ts, the exposition) is a
      // feature here: the regular expressions that match them are deliberate.
      'no-control-regex': 'off',
      // Instrumentation code handles values of unknown shape from other libraries' objects
      // (SDK responses, module exports, span attributes) and narrows them at run time; the
      // `any`-flow rules would flag each access to such a value, not a defect.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Non-null assertions on indexed reads (`list[0]!`) are the code's way of saying "present
      // here", kept so that turning on noUncheckedIndexedAccess stays cheap; without that option
      // typescript-eslint calls each of them unnecessary.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // `async` without `await` is used on purpose: a synchronous throw becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // node:test's test()/describe() return promises the runner itself tracks.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      // Lazy loading is deliberate (start-up cost, docs/performance.md): `require()` of a module
      // only when its feature is configured, typed with `typeof import(...)`.
      '@typescript-eslint/no-require-imports': 'off',
      // Patches keep the instrumentation (or the call) under a name beside the wrapper's own `this`.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['instrumentation', 'self', 'call'] }],
      // Patches save an SDK's method to call it later with .apply(original receiver).
      '@typescript-eslint/unbound-method': 'off',
      // String() of provider values of unknown shape is the intended coercion (a non-string
      // becomes its default text rather than an exception inside the caller's call).
      '@typescript-eslint/no-base-to-string': 'off',
      // Transparent wrappers pass on whatever the wrapped code threw, Error or not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `_`-prefixed parameters and caught errors are intentionally unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Tests: the manual API takes functions returning a value or a promise, and tests await both
  // shapes, throw non-Errors and compare method identities on purpose.
  {
    files: ['test/**/*.ts', 'test/**/*.mts'],
    rules: {
      '@typescript-eslint/await-thenable': 'off',
      '@typescript-eslint/only-throw-error': 'off',
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
