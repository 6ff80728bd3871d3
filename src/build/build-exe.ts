// `npm run build:exe`: dist/withsecrets-linux-x64 (and -linux-arm64), withsecrets as one file that needs no Node.

import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HOST, nodeBinaryFor, TARGETS, type Target } from './node-binaries.ts';
import { buildSingleExecutable } from './single-executable.ts';

const DIST = resolve(__dirname, '../../dist');
const USAGE = `usage: npm run build:exe -- [--target ${TARGETS.join('|')}]...`;

function targets(): Target[] {
  const { values } = parseArgs({ options: { target: { type: 'string', multiple: true } }, strict: true });
  const asked = values.target ?? [...TARGETS];
  const unknown = asked.filter((name) => !(TARGETS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown target ${unknown.join(', ')}\n${USAGE}`);
  return asked as Target[];
}

function main(): void {
  const asked = targets();
  for (const target of asked) {
    const node = nodeBinaryFor(target);
    // Only the host's file is needed to test; another platform's Node may be out of reach (no registry here).
    if ('unavailable' in node) {
      process.stderr.write(`build:exe: no withsecrets-${target}: ${node.unavailable}\n`);
      if (target === HOST || asked.length === 1) process.exitCode = 1;
      continue;
    }
    const output = join(DIST, `withsecrets-${target}`);
    buildSingleExecutable({ node: node.path, dist: DIST, output, codeCaches: target === HOST });
    const megabytes = (statSync(output).size / 1e6).toFixed(1);
    process.stdout.write(
      `build:exe: ${output} (${megabytes} MB${target === HOST ? '' : ', not run here'})\n`,
    );
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`build:exe: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
