#!/usr/bin/env node
// The onedoor command. TypeScript sources run through tsx, so there is no build step.
require('tsx/cjs');
require('../src/cli.ts')
  .main(process.argv.slice(2))
  // Every command has stopped what it started by the time it returns, so exit
  // even if a client library still holds a handle open.
  .then((code) => process.exit(typeof code === 'number' ? code : 0))
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
