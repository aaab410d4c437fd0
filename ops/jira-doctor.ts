// `npm run jira:doctor [-- --env-file .env] [--json]` — docs/operations.md
// Library logs (Powertools) would mix with the checklist; the doctor prints its own findings.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

void Promise.all([import('../shared/cli'), import('./doctor/command')]).then(([{ main }, { runDoctor }]) => main(runDoctor));
