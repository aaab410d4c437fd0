'use strict';
// esbuild plugins for the function bundles (serverless.yml custom.esbuild.plugins; bench/forwarder.ts).
// axios picks its fetch adapter at load: probing it touches Node's lazy `fetch`/`Request` globals,
// which loads undici (~15–20 ms of every cold start). The functions only use axios' http adapter
// (keep-alive agents, proxy tunnels), so its fetch adapter is replaced by one that says "unsupported".
const path = require('node:path');

const FETCH_STUB = path.join(__dirname, 'fetch-adapter-stub.mjs');
const AXIOS_ADAPTERS = `axios${path.sep}lib${path.sep}adapters`;

const axiosWithoutFetch = {
  name: 'axios-without-fetch',
  setup(build) {
    build.onResolve({ filter: /^\.\/fetch\.js$/ }, (args) => (args.importer.includes(AXIOS_ADAPTERS) ? { path: FETCH_STUB } : undefined));
  },
};

module.exports = [axiosWithoutFetch];
