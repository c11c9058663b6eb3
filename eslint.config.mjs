// Flat ESLint config: typescript-eslint recommended plus a few habits that protect the LSP channel.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'test/fixtures/**',
      'test/e2e/out/**',
      'test/vscode/out/**',
      'bench/out/**',
      '.vscode-test/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      curly: 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.cjs', 'test/e2e/docker-stand-in/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { __dirname: 'readonly', __filename: 'readonly', require: 'readonly', module: 'writable', exports: 'writable' },
    },
  },
  {
    // stdout is the protocol channel of the language server: log through the connection instead.
    files: ['server/**'],
    ignores: ['server/src/cli/**', 'server/src/docs/**'],
    rules: {
      'no-console': 'error',
    },
  },
  {
    // The front ends build every model object: V8 gives each `{ ...object, more }` copy a hidden class of its
    // own, and a model of 80,000 such steps made every rule's reads megamorphic (docs/engine.md, Cost).
    files: ['server/src/recipe/dockerfile.ts', 'server/src/recipe/apptainer.ts', 'server/src/recipe/shell.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ObjectExpression > SpreadElement', message: 'Write the fields out: a spread copy gets a hidden class of its own (docs/engine.md, Cost).' }],
    },
  },
);
