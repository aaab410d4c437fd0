import { main } from '../../../../shared/cli';

// A command that never finishes on its own: the test interrupts it with SIGINT.
main(async (_argv, io) => {
  io.out('ready');
  await new Promise(() => setInterval(() => undefined, 1000));
  return 0;
});
