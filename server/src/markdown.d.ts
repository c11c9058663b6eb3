// Rule pages (`server/src/rules/<category>/<name>.md`) are imported as text: esbuild's `text` loader
// in the bundles, scripts/text-loader.mjs under tsx.
declare module '*.md' {
  const text: string;
  export default text;
}
