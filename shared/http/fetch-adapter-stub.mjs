// Bundle-only stand-in for axios' fetch adapter (shared/http/esbuild-plugins.cjs): never selected on Node.
export const getFetch = () => false;
export default false;
