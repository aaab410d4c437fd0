import { main } from '../shared/cli';
import { runDlq } from './dlq/command';

// `npm run dlq -- list|replay [options]` — docs/operations.md
main(runDlq);
