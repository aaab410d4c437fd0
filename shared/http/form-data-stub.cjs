// Bundle-only stand-in for axios' `form-data` dependency (serverless.yml custom.esbuild.alias).
// axios builds a FormData only to send multipart bodies; no client here does, and the real
// package brings a 130 KB MIME table into every function bundle. Failing loudly, not silently.
module.exports = class FormData {
  constructor() {
    throw new Error('multipart/form-data bodies are not supported in the bundled functions (form-data is stubbed out)');
  }
};
