// The rule set, decided once: typescript-eslint's strict, type-checked rules over every TypeScript file the
// typecheck covers. The few options below are choices, not silenced findings; each says why. A line that must break
// a rule says so with `// eslint-disable-next-line <rule> -- <reason>` (a directive without a reason is an error).
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'src/http/public/', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  comments.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/no-unlimited-disable': 'error',
      // Numbers in messages and log lines are the norm here (counts, ports, rates); objects and unions are not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `onClose(() => server.close())` reads as a callback, not as a value returned by mistake.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `_unused` is how a destructuring drops a field on purpose (e.g. a secret removed before logging).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Production code: a function longer than a screen says why, on the line before it.
    files: ['src/**/*.ts', 'jobs/**/*.ts', 'bench/**/*.ts', 'dev/**/*.ts', 'bin/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // In a test, `x!` on a value the test just created fails the test loudly if it is missing, which is its job.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
