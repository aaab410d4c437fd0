'use strict';
// Bundled in place of mime-types (serverless.yml custom.esbuild.alias). axios → form-data pulls it in
// only to guess an uploaded file's type; no function uploads files, and its 137 KB mime-db would
// otherwise be parsed on every cold start. form-data then falls back to application/octet-stream.
module.exports = {
  lookup: () => false,
  contentType: () => false,
  extension: () => false,
  charset: () => false,
  types: {},
  extensions: {},
};
