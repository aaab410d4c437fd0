'use strict';
// esbuild plugins for the function bundles (serverless.yml custom.esbuild.plugins; bench/forwarder.ts).
// On Node, `fetch`, `Request`, `Response`, `Headers` and `FormData` are lazy globals: the first touch
// loads undici, ~15–20 ms of every cold start. axios touches them at load (its fetch adapter probes
// them; utils.js reads globalThis.FormData once). The functions only use axios' http adapter
// (keep-alive agents, proxy tunnels) and never send FormData, so both touches are left out.
const fs = require('node:fs');
const path = require('node:path');

const FETCH_STUB = path.join(__dirname, 'fetch-adapter-stub.mjs');
const AXIOS_LIB = `axios${path.sep}lib${path.sep}`;
const FORM_DATA_PROBE = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";

const axiosWithoutUndici = {
  name: 'axios-without-undici',
  setup(build) {
    build.onResolve({ filter: /^\.\/fetch\.js$/ }, (args) =>
      args.importer.includes(`${AXIOS_LIB}adapters`) ? { path: FETCH_STUB } : undefined,
    );
    build.onLoad({ filter: /axios[\\/]lib[\\/]utils\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      // Fails the build when axios changes this line, rather than silently loading undici again.
      if (!source.includes(FORM_DATA_PROBE)) throw new Error(`axios-without-undici: ${args.path} no longer has the FormData probe; review the plugin`);
      // isFormData falls back to its structural check: no FormData is ever sent by the functions.
      return { contents: source.replace(FORM_DATA_PROBE, 'const FormDataCtor = undefined;'), loader: 'js' };
    });
  },
};

module.exports = [axiosWithoutUndici];
