import { loadJq, type Jq } from 'jq-wasm';

/**
 * Real jq (1.8.2, compiled to WebAssembly by `jq-wasm` 3): the one engine behind the mapping tests,
 * the preview and the Port stand-in, so all three accept exactly what jq accepts. Values are bound
 * with `--argjson` and programs run with `-n`. argv lives on the wasm stack, hence MAX_INPUT_BYTES
 * (measured: 900 KiB works, 2 MiB crashes the instance; Port's own limit is 512 KiB per request).
 */
const MAX_INPUT_BYTES = 900 * 1024;

export class JqEngine {
  private instance?: Promise<Jq>;

  /** Runs `program` with each of `vars` bound as `$name`; returns every output value. */
  async run(program: string, vars: Record<string, unknown> = {}): Promise<unknown[]> {
    const flags = ['-c', '-n'];
    let bytes = 0;
    for (const [name, value] of Object.entries(vars)) {
      const json = JSON.stringify(value ?? null);
      bytes += Buffer.byteLength(json);
      flags.push('--argjson', name, json);
    }
    if (bytes > MAX_INPUT_BYTES) {
      throw new Error(`jq input is ${bytes} bytes; the wasm engine accepts at most ${MAX_INPUT_BYTES}`);
    }
    this.instance ??= loadJq();
    const jq = await this.instance;
    let res: ReturnType<Jq['raw']>;
    try {
      res = jq.raw(null, program, flags);
    } catch (err) {
      this.instance = undefined; // a wasm trap leaves the instance unusable: the next run starts a fresh one
      throw err;
    }
    if (res.exitCode !== 0) throw new Error(`jq exited with ${res.exitCode}: ${res.stderr.trim()}`);
    const out = res.stdout.trim();
    return out === '' ? [] : out.split('\n').map((line) => JSON.parse(line) as unknown);
  }
}

/** One engine per process: runs are synchronous inside the wasm instance. */
export const jq = new JqEngine();
