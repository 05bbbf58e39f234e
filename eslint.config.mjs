// Lint: type-aware rules that catch real bugs (promises nobody awaits, promises where a
// callback is expected), plus the module arrows of DESIGN.md as import restrictions.
import tseslint from 'typescript-eslint';

/** Folders that must not know any chat platform: they import delivery/types, never chat/. */
const platformFree = ['src/alerts/**', 'src/cards/**', 'src/store/**', 'src/delivery/**', 'src/poller/**', 'src/detections/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'data/**', 'test-output/**', 'devTools/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-debugger': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: platformFree,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)chat(/|$)',
              message: 'This layer must not know any chat platform (DESIGN.md): import the vocabulary from delivery/types or alerts/.',
            },
            { regex: '^(@slack/|@microsoft/agents)', message: 'Only src/chat/ talks to chat SDKs.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/alerts/**', 'src/cards/**', 'src/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)chat(/|$)',
              message: 'This layer must not know any chat platform (DESIGN.md): import the vocabulary from delivery/types or alerts/.',
            },
            {
              regex: '(^|/)delivery/(?!types$)',
              message: 'Only delivery/types is shared vocabulary; the dispatcher and ChatPlatform sit above this layer.',
            },
            { regex: '^(@slack/|@microsoft/agents|@azure/)', message: 'The domain, cards and store import no SDK.' },
          ],
        },
      ],
    },
  },
  {
    // The KQL engine imports nothing else of the project (checked by depth, as its folders nest one level).
    files: ['src/kql/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'The KQL engine imports nothing else of the project.' }] },
      ],
    },
  },
  {
    files: ['src/kql/*/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./\\.\\./', message: 'The KQL engine imports nothing else of the project.' }] },
      ],
    },
  },
);
