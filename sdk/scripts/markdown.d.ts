/** A Markdown file imported as its text (vite's `?raw`), as sdk/src/readme.test.ts reads sdk/README.md. */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
