import jqFactory from 'jq-wasm/dist/build/jq.js';

/**
 * jq 1.7 (real jq compiled to WebAssembly by the `jq-wasm` package), wrapped around three defects
 * of jq-wasm 1.0.1 measured on this machine (see docs/port.md):
 *  - one wasm instance aborts (assertions in jq's compile.c) after a few hundred KB of compiled
 *    program text (315 runs of `.a + 1`; 81 runs of a 9 KB program) → we recycle it after
 *    RUNS_PER_INSTANCE runs or PROGRAM_CHARS_PER_INSTANCE characters, and once more on an abort;
 *  - stdin is copied byte by byte (100 KiB input: 745 ms, quadratic) → input goes through
 *    `--argjson` (linear; 512 KiB in ~30 ms) and programs run with `-n`;
 *  - an error after some output is swallowed → programs built here catch errors themselves.
 * argv lives on the wasm stack (~1 MiB), hence MAX_INPUT_BYTES.
 */
interface JqInstance {
  raw(input: string, filter: string, flags: string[]): Promise<string>;
}

const RUNS_PER_INSTANCE = 40;
const PROGRAM_CHARS_PER_INSTANCE = 150_000;
export const MAX_INPUT_BYTES = 900 * 1024;

export class JqEngine {
  private instance?: Promise<JqInstance>;
  private runs = 0;
  private programChars = 0;

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
    let out: string;
    try {
      out = await (await this.current(program.length)).raw('null', program, flags);
    } catch (err) {
      if (!(err instanceof Error && err.name === 'RuntimeError')) throw err;
      this.instance = undefined; // the instance is dead after an abort: start a fresh one and retry once
      out = await (await this.current(program.length)).raw('null', program, flags);
    }
    return out === '' ? [] : out.split('\n').map((line) => JSON.parse(line) as unknown);
  }

  private current(programLength: number): Promise<JqInstance> {
    if (!this.instance || this.runs >= RUNS_PER_INSTANCE || this.programChars + programLength > PROGRAM_CHARS_PER_INSTANCE) {
      this.instance = (jqFactory as unknown as () => Promise<JqInstance>)();
      this.runs = 0;
      this.programChars = 0;
    }
    this.runs += 1;
    this.programChars += programLength;
    return this.instance;
  }
}

/** One engine per process is enough: runs are synchronous inside the wasm instance. */
export const jq = new JqEngine();
