// Type-aware typescript-eslint (STYLE.md): promise misuse, exhaustive switches, eqeqeq, no-console.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.bench/',
      'node_modules/',
      'coverage/',
      '.data/',
      'bench/results/',
      'examples/**/generated/',
      'examples/spa-client/heyapi/',
      '**/*.mjs',
      'jest.config.js',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // The build rewrites the `@/` alias in static imports only: a dynamic import('@/…')
      // works under jest and fails in dist/ ("Cannot find package '@/…'").
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression > Literal[value=/^@\\//]',
          message:
            'import() with a relative path: the build does not rewrite @/ in dynamic imports',
        },
      ],
    },
  },
  {
    // CLIs and the entry point talk to a terminal; tests use loose `any` from supertest bodies.
    files: [
      'src/cli/**',
      'src/main.ts',
      'src/serve.ts',
      'src/openapi/generate.ts',
      'bench/**',
      'scripts/**',
      'examples/**',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The demo page's script (public/demo/): plain browser JavaScript, no types to check with.
    files: ['public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'localStorage',
          'navigator',
          'fetch',
          'crypto',
          'setTimeout',
          'clearTimeout',
          'URLSearchParams',
          'FormData',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
