import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { parse } from 'yaml';
const opts = (root) => { const { exclude, outputWorkFolder: _w, packager: _p, ...o } = parse(fs.readFileSync(root + '/serverless.yml', 'utf8'), { logLevel: 'silent' }).custom.esbuild; return { ...o, external: exclude, absWorkingDir: root, logLevel: 'error' }; };
const v = { base: '/tmp/hhttp-base', axios: process.cwd() };
for (const [k, root] of Object.entries(v)) { await build({ ...opts(root), entryPoints: [root + '/functions/portForwarder/handler.ts'], outfile: `/tmp/hhttp-ab/${k}-fw.js` }); console.log(k, (fs.statSync(`/tmp/hhttp-ab/${k}-fw.js`).size / 1024).toFixed(0), 'KB'); }
const probe = (f) => `const c=process.cpuUsage(),t=process.hrtime.bigint();require(${JSON.stringify(f)});const u=process.cpuUsage(c);console.log(Number(process.hrtime.bigint()-t)/1e6, (u.user+u.system)/1e3)`;
const env = { ...process.env, NODE_PATH: process.cwd() + '/node_modules', NODE_NO_WARNINGS: '1', PORT_WEBHOOK_URL: '', POWERTOOLS_LOG_LEVEL: 'ERROR' };
const N = Number(process.argv[2] ?? 21);
const res = { base: [], axios: [] };
for (let i = 0; i < N; i++) for (const k of Object.keys(v)) res[k].push(execFileSync(process.execPath, ['-e', probe(`/tmp/hhttp-ab/${k}-fw.js`)], { env, encoding: 'utf8' }).trim().split(' ').map(Number));
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs) => Math.min(...xs);
for (const [k, r] of Object.entries(res)) console.log(k, 'wall median', med(r.map((x) => x[0])).toFixed(1), 'min', min(r.map((x) => x[0])).toFixed(1), '| cpu median', med(r.map((x) => x[1])).toFixed(1), 'min', min(r.map((x) => x[1])).toFixed(1));
