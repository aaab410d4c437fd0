'use strict';
/**
 * Where each secret comes from at deploy time (`${file(resources/secret-params.js):…}`).
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

/** What creates each parameter, for the error message. */
const CREATED_BY = {
  PORT_WEBHOOK_URL: (stage) => `npm run port:install -- --stage ${stage}`,
  PORT_WEBHOOK_SECRET: (stage) => `npm run port:install -- --stage ${stage}`,
};
const putCommand = (name) => `aws ssm put-parameter --type SecureString --name ${name} --value '<value>'`;

const env = (name) => String(process.env[name] ?? '').trim();
const stageOf = async (resolveVariable) => String(await resolveVariable('sls:stage'));

/** The CLI command osls runs (`deploy`, `package`, `print`, …): the first argument, as the CLI requires. */
function cliCommand(argv = process.argv) {
  return argv[2];
}

function plainSecretError(name, stage) {
  const param = name === 'PORT_WEBHOOK_URL' ? `/halo-jira-port/${stage}/port-webhook-url` : `/halo-jira-port/${stage}/${name.toLowerCase().replace(/_/g, '-')}`;
  return new Error(
    `${name} holds a plain value: outside the local stage a secret never goes into the template. ` +
      `Store it as an SSM SecureString (${(CREATED_BY[name] ?? (() => putCommand(param)))(stage)}) and deploy with ${name}_SSM_PARAM=${param}, ` +
      `or give ${name} KMS-encrypted (base64 ciphertext).`,
  );
}

/** `<NAME>` as it may go into the Lambda environment: plain only for the local stage. */
async function plainValue(name, { resolveVariable }) {
  const value = env(name);
  if (!value || (await stageOf(resolveVariable)) === LOCAL_STAGE) return value;
  if (!looksEncrypted(value)) throw plainSecretError(name, await stageOf(resolveVariable));
  return value;
}

/** Resolves with undefined when the parameter exists, else an Error naming how to create it. */
async function checkParameter(name, setting, { region, stage, createdBy, ssm }) {
  const { GetParameterCommand, SSMClient } = require('@aws-sdk/client-ssm');
  const client = ssm ?? new SSMClient({ region });
  try {
    await client.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    return undefined;
  } catch (err) {
    if (err && err.name === 'ParameterNotFound') {
      return new Error(`${setting}: SSM parameter ${name} does not exist in ${region}. Create it first: ${createdBy ?? putCommand(name)} (stage ${stage}).`);
    }
    return new Error(`${setting}: could not check SSM parameter ${name} in ${region} (${err && err.name}: ${err && err.message}); set SKIP_SSM_PARAM_CHECK=true to deploy without the check.`);
  } finally {
    if (!ssm) client.destroy();
  }
}

/**
 * `<NAME>_SSM_PARAM` as deployed: the explicit name; for the webhook URL, the default path unless
 * the URL is given KMS-encrypted; '' when the secret does not come from SSM.
 */
async function parameterName(name, { resolveVariable }) {
  const stage = await stageOf(resolveVariable);
  const explicit = env(`${name}_SSM_PARAM`);
  if (stage === LOCAL_STAGE) return explicit;
  let param = explicit;
  if (!param && name === 'PORT_WEBHOOK_URL' && !(await plainValue(name, { resolveVariable }))) {
    param = `${String(await resolveVariable('param:secretsSsmPath')).replace(/\/+$/, '')}/port-webhook-url`;
  }
  if (param && cliCommand() === 'deploy' && env('SKIP_SSM_PARAM_CHECK') !== 'true') {
    const region = String(await resolveVariable('self:provider.region'));
    const problem = await checkParameter(param, `${name}_SSM_PARAM`, { region, stage, createdBy: CREATED_BY[name]?.(stage) });
    if (problem) throw problem;
  }
  return param;
}

const SECRETS = ['PORT_WEBHOOK_URL', 'PORT_WEBHOOK_SECRET', 'HALO_API_KEY', 'HALO_API_SECRET_KEY', 'JIRA_API_USER', 'JIRA_API_TOKEN'];
const perSecret = (fn) => Object.fromEntries(SECRETS.map((name) => [name, (ctx) => fn(name, ctx)]));

module.exports = {
  plain: perSecret(plainValue),
  ssmParam: perSecret(parameterName),
  checkParameter,
  cliCommand,
  looksEncrypted,
};
