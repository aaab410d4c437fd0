import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured JSON logs (Powertools Logger) and CloudWatch EMF metrics (Powertools Metrics).
 * Both read their own POWERTOOLS_* variables (service name, log level, namespace).
 * Never pass a secret or a full webhook URL to either: use `redactSecretUrl`.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'halo-jira-port' });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'HaloJiraPort',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'halo-jira-port',
});

/** Zero counts are published too: a dashboard then shows 0 rather than a gap. */
export function count(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

