/**
 * @module entry/text-modules
 * Policy YAML imported as text: wrangler bundles `*.yaml` with a `Text` rule (wrangler.toml), and
 * the Workers test config turns them into string modules the same way.
 */
declare module '*.yaml' {
  const text: string;
  export default text;
}
