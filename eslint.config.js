// Strict from the start: no implicit any, no floating promises, no unused code.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const doors = require('./scripts/eslint/doors.cjs');

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.data/**',
      '.cache/**',
      'graph/server/**',
      '**/*.js',
      '**/*.cjs',
      'docs/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { graphrec: { rules: { doors: doors.rule } } },
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Parts meet only at their doors (docs/architecture.md).
      'graphrec/doors': 'error',
    },
  },
);
