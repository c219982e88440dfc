#!/usr/bin/env node
// The bin runs the one bundled file that `npm run build` makes (dist/ei-keystore.mjs).
import('../dist/ei-keystore.mjs').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('ei-keystore: the bundle is missing; run `npm run build` first.\n');
    process.exit(2);
  }
  throw error;
});
