#!/usr/bin/env node
// The bin runs the one bundled file that `npm run build` makes (dist/ei-keystore.mjs), as CommonJS: it reads the
// file's loader (its first ~25 KB) and runs it, and the loader reads only the groups of code the command needs.
// Importing the .mjs instead would have Node's ES module loader read, decode and scan all of its ~1.1 MB first
// (~15 ms and ~700 pages of fresh memory of every start; see README, Performance).
'use strict';
const { closeSync, openSync, readSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, '..', 'dist', 'ei-keystore.mjs');
const LOADER_START = '/*EIK-LOADER*/\n';
const SCRIPT_START = '/*EIK-SCRIPT\n';

function refuse(why) {
  process.stderr.write(`ei-keystore: ${why}; run \`npm run build\` first.\n`);
  process.exit(2);
}

/**
 * The loader's text, from LOADER_START to where the groups begin, and the line of the file it starts on (for stack
 * traces). Read a block at a time (it is ~25 KB) and searched as bytes: only the loader becomes a string.
 */
function loaderBody() {
  let fd;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if (error && error.code === 'ENOENT') refuse('the bundle is missing');
    throw error;
  }
  try {
    let bytes = Buffer.allocUnsafe(32 * 1024);
    let length = 0;
    let end = -1;
    while (end < 0) {
      if (length === bytes.length) {
        // The loader is far smaller than 1 MB: a file without the mark is not one scripts/build.mjs made.
        if (length >= 1024 * 1024) refuse(`${file} is not a bundle this version of the bin can run`);
        const larger = Buffer.allocUnsafe(length * 2);
        bytes.copy(larger, 0, 0, length);
        bytes = larger;
      }
      const count = readSync(fd, bytes, length, bytes.length - length, length);
      if (count === 0) refuse(`${file} is not a bundle this version of the bin can run`);
      end = bytes.subarray(0, length + count).indexOf(SCRIPT_START, Math.max(0, length - SCRIPT_START.length), 'latin1');
      length += count;
    }
    const text = bytes.latin1Slice(0, end);
    const start = text.indexOf(LOADER_START);
    if (start < 0) refuse(`${file} is not a bundle this version of the bin can run`);
    const from = start + LOADER_START.length;
    return { body: text.slice(from), line: text.slice(0, from).split('\n').length - 1 };
  } finally {
    closeSync(fd);
  }
}

// Strict, as the module it comes from; `nodeRequire` is this file's own require: the bundle requires only Node's
// built-ins, which resolve the same from anywhere (createRequire would load Node's ES module loader for nothing);
// lines numbered as in the file (the wrapper's own line comes first).
const loader = loaderBody();
new Script(`(function (nodeRequire, file) {'use strict';\n${loader.body}\n})`, { filename: file, lineOffset: loader.line - 1 })
  .runInThisContext()(require, file);
