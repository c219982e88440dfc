// TOML templates are imported as their text: esbuild's `.toml: 'text'` loader (scripts/build.mjs) inlines them
// into the bundle, and vitest.config.ts loads them the same way for tests.
declare module '*.toml' {
  const text: string;
  export default text;
}
