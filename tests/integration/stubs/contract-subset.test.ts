import fs from 'node:fs';
import path from 'node:path';
import { CONTRACT_FILES, loadContract, subsetFile, type ContractName } from '../../../local/contract';
import { deriveFile, listedOperations, sourceDir, sourceMissing } from '../../../scripts/derive-contracts';

const NAMES = Object.keys(CONTRACT_FILES) as ContractName[];
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

interface Subset {
  'x-derived': { by: string; from: string; sha256: string; operations: string };
  paths: Record<string, Record<string, unknown>>;
}
const committed = (name: ContractName): string => fs.readFileSync(subsetFile(name), 'utf8');

describe.each(NAMES)('committed %s contract subset', (name) => {
  it('holds exactly the operations listed in local/contracts/operations.json, and the validator serves them all', () => {
    const subset = JSON.parse(committed(name)) as Subset;
    const held = Object.entries(subset.paths).flatMap(([template, item]) => Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${template}`));
    const listed = listedOperations()[name];
    expect(held.sort()).toEqual([...listed].sort());
    expect(loadContract(name).operationCount).toBe(listed.length);
  });

  it('says which document (and which bytes of it) it was derived from, and by what', () => {
    const header = (JSON.parse(committed(name)) as Subset)['x-derived'];
    expect(header).toEqual({ by: expect.stringContaining('scripts/derive-contracts.ts'), from: CONTRACT_FILES[name], sha256: expect.stringMatching(/^[0-9a-f]{64}$/), operations: 'local/contracts/operations.json' });
  });
});

// The one check that needs the official documents: skipped, saying so, in a clone without them.
const dir = sourceDir();
if (!dir) it.skip(`staleness check of local/contracts/*.subset.json skipped: ${sourceMissing()}`, () => undefined);
(dir ? describe : describe.skip)('committed subsets against the official documents', () => {
  it.each(NAMES)('%s subset is what npm run contracts derives today', (name) => {
    const fresh = deriveFile(name, dir!);
    const current = committed(name);
    if (fresh !== current) {
      const a = current.split('\n');
      const b = fresh.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(
        `${path.relative(process.cwd(), subsetFile(name))} is stale against ${path.join(dir!, CONTRACT_FILES[name])} ` +
          `(first difference at line ${line + 1}): run npm run contracts and commit the result`,
      );
    }
    expect(fresh).toBe(current);
  });
});
