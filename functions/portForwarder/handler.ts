import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaHandler } from '../../shared/function/handler';
import { readForwarderConfig, readWebhookUrl, SETTINGS } from './config';
import { forwardBatch } from './invocation';

/** SQS batches: config → secrets (the webhook URL, checked) → one forwarded batch. */
export const handler = lambdaHandler({
  settings: SETTINGS,
  readConfig: readForwarderConfig,
  checkSecrets: (secrets, config) => void readWebhookUrl(secrets, config),
  invoke: (event: SQSEvent, invocation): Promise<SQSBatchResponse> => forwardBatch(event.Records, invocation),
});
