import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Load `.toml` imports as their text, as the esbuild bundle does (scripts/build.mjs: loader '.toml': 'text').
  plugins: [
    {
      name: 'toml-as-text',
      transform: (code: string, id: string) =>
        id.endsWith('.toml') ? { code: `export default ${JSON.stringify(code)};`, map: null } : undefined,
    },
  ],
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // keytool starts a JVM per call: give interoperability tests room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
