// Preloaded into `sls package` (NODE_OPTIONS=--require): any DNS lookup or outbound TCP connection
// is recorded in NO_NETWORK_LOG and refused, proving the command needs no network.
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const log = process.env.NO_NETWORK_LOG;
const refuse = (what) => {
  if (log) fs.appendFileSync(log, `${what}\n`);
  throw new Error(`network disabled in this test: ${what}`);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  if (o.path) return connect.apply(this, args); // local IPC sockets are fine
  return refuse(`connect ${o.host ?? 'localhost'}:${o.port}`);
};
dns.lookup = (host) => refuse(`dns ${host}`);
dns.promises.lookup = async (host) => refuse(`dns ${host}`);
