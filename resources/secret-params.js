'use strict';
/**
 * The deploy-time rules for secrets, applied by resources/settings.js to every setting a function's
 * settings.json declares `"secret": true`.
 *
 * Outside the `local` stage no secret value is ever put in the template: a secret is an SSM
 * SecureString named by `<NAME>_SSM_PARAM` (the webhook URL defaults to
 * `<secretsSsmPath>/port-webhook-url`), or a KMS-encrypted value in `<NAME>`. A plain value fails
 * the deploy, and so does `sls deploy` when a named parameter does not exist — before CloudFormation
 * runs, naming the command that creates it. `sls package`/`print` do not look parameters up: they
 * need no AWS access (the check runs for `deploy` only; SKIP_SSM_PARAM_CHECK=true skips it).
 */
const LOCAL_STAGE = 'local';
// Same test as the runtime (shared/middleware/secrets.ts): only base64 of some length can be KMS ciphertext.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const looksEncrypted = (v) => v.length >= 40 && BASE64.test(v);

/** The installer creates the webhook's parameters and portResync's Port credentials; the others are created by hand. */
const INSTALLED = new Set(['PORT_WEBHOOK_URL', 'PORT_WEBHOOK_SECRET', 'PORT_CLIENT_ID', 'PORT_CLIENT_SECRET']);
const putCommand = (name) => `aws ssm put-parameter --type SecureString --name ${name} --value '<value>'`;
const createdBy = (name, param, stage) => (INSTALLED.has(name) ? `npm run port:install -- --stage ${stage}` : putCommand(param));

/** The parameter a secret is expected in, by convention: `<secretsSsmPath>/<name-in-kebab-case>`. */
const conventionalParam = (name, secretsSsmPath) => `${secretsSsmPath.replace(/\/+$/, '')}/${name.toLowerCase().replace(/_/g, '-')}`;

/** The CLI command osls runs (`deploy`, `package`, `print`, …): the first argument, as the CLI requires. */
function cliCommand(argv = process.argv) {
  return argv[2];
}

/**
 * `<NAME>` as it may go into the Lambda environment: anything in the local stage; elsewhere nothing
 * or KMS ciphertext. The error names the parameter to use and never echoes the value.
 */
function checkSecretValue(name, value, { stage, secretsSsmPath }) {
  const v = String(value ?? '').trim();
  if (!v || stage === LOCAL_STAGE || looksEncrypted(v)) return v;
  const param = conventionalParam(name, secretsSsmPath);
  throw new Error(
    `${name} holds a plain value: outside the local stage a secret never goes into the template. ` +
      `Store it as an SSM SecureString (${createdBy(name, param, stage)}) and deploy with ${name}_SSM_PARAM=${param}, ` +
      `or give ${name} KMS-encrypted (base64 ciphertext).`,
  );
}

/** Resolves with undefined when the parameter exists, else an Error naming how to create it. */
async function checkParameter(name, setting, { region, stage, createdBy: command, ssm }) {
  const { GetParameterCommand, SSMClient } = require('@aws-sdk/client-ssm');
  const client = ssm ?? new SSMClient({ region });
  try {
    await client.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    return undefined;
  } catch (err) {
    if (err && err.name === 'ParameterNotFound') {
      return new Error(`${setting}: SSM parameter ${name} does not exist in ${region}. Create it first: ${command ?? putCommand(name)} (stage ${stage}).`);
    }
    return new Error(`${setting}: could not check SSM parameter ${name} in ${region} (${err?.name}: ${err?.message}); set SKIP_SSM_PARAM_CHECK=true to deploy without the check.`);
  } finally {
    if (!ssm) client.destroy();
  }
}

// One lookup per parameter per deploy: the environment and the IAM statements both ask.
const checked = new Map();

/** On `sls deploy` outside the local stage: fails unless the parameter `<NAME>_SSM_PARAM` names exists. */
async function checkSecretParameter(name, param, { stage, region, skip, command = cliCommand() }) {
  if (!param || stage === LOCAL_STAGE || command !== 'deploy' || skip) return;
  const key = `${region}\u0000${param}`;
  if (!checked.has(key)) checked.set(key, checkParameter(param, `${name}_SSM_PARAM`, { region, stage, createdBy: createdBy(name, param, stage) }));
  const problem = await checked.get(key);
  if (problem) throw problem;
}

module.exports = { checkSecretValue, checkSecretParameter, checkParameter, cliCommand };
