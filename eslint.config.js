// ESLint for correctness (typescript-eslint's recommended rules); Prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // With verbatimModuleSyntax, \`import { type X }\` keeps the module as a side-effect import: a
      // shell that imports the core's types that way bundles its SDK code into the main chunk.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    // The core decides; the shells (src/actions) and the runner glue (src/github) only read inputs and
    // report. Nothing in the core may reach up into them (../shared/DESIGN.md: functional core).
    files: [
      'src/{aws,ecr,ecs,imagebuilder,rollout,taskdef,validate,verify,json}/**/*.ts',
      'src/{errors,log,exec,duration,version,text}.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(github|actions)/',
              message:
                'The core must not import src/github or src/actions: move what it needs down into the core.',
            },
            {
              regex: '^@actions/',
              message:
                'The core must not import @actions/*: take a Logger, an Env and an AbortSignal instead.',
            },
          ],
        },
      ],
    },
  },
);
