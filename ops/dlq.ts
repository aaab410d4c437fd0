import { main } from './cli';
import { runDlq } from './dlq/command';

// `npm run dlq -- list|replay [options]` — docs/operations.md
main((argv, io) => runDlq(argv, io));
