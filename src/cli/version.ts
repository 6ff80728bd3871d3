// What `withsecrets --version` prints: the package's version, and for the single executable which Node it carries.

import { version } from '../../package.json';

/** `0.1.0` from npm; `0.1.0 (single executable, Node v20.20.2, linux-x64)` from `npm run build:exe`'s file. */
export function versionText(): string {
  if (!isSingleExecutable()) return version;
  return `${version} (single executable, Node ${process.version}, ${process.platform}-${process.arch})`;
}

/** node:sea exists from Node 20.12; on an older Node this is the npm package, never the executable. */
function isSingleExecutable(): boolean {
  try {
    return (require('node:sea') as typeof import('node:sea')).isSea();
  } catch {
    return false;
  }
}
