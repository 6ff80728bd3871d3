#!/usr/bin/env node
// Thin launcher: the built bundle does the work and ends the process like the command it ran.

require('../dist/withsecrets.cjs').run(process.argv.slice(2));
