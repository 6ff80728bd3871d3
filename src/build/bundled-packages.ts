// The npm packages whose code esbuild put in the bundles, read from its metafiles: for the licences and the SBOM.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';

export interface BundledPackage {
  readonly name: string;
  readonly version: string;
  /** As its package.json says it (an SPDX expression for every package bundled today). */
  readonly license: string | undefined;
  /** Its licence and notice files, as they are shipped. */
  readonly licenseText: string;
}

/** Each package once by directory (a nested copy of another version is a package of its own), by path order. */
export function bundledPackages(root: string, metafiles: readonly Metafile[]): BundledPackage[] {
  const dirs = new Set<string>();
  for (const input of metafiles.flatMap((metafile) => Object.keys(metafile.inputs))) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) dirs.add(match[1]);
  }
  return [...dirs].sort().map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    const files = readdirSync(join(root, dir)).filter((file) => /^(licen[cs]e|notice)/i.test(file));
    const licenseText = files.map((file) => readFileSync(join(root, dir, file), 'utf8').trim()).join('\n\n');
    return { name: manifest.name, version: manifest.version, license: manifest.license, licenseText };
  });
}

/** The licence of every package in either bundle: they ship its code, so they ship its notices. */
export function thirdPartyLicenses(packages: readonly BundledPackage[]): string {
  // Packages under one licence text (the SDK's many Apache-2.0 packages) share one section.
  const byText = new Map<string, string[]>();
  for (const { name, version, license, licenseText } of packages) {
    const names = byText.get(licenseText) ?? [];
    names.push(`${name}@${version} (${license ?? 'see its package'})`);
    byText.set(licenseText, names);
  }
  const sections = [...byText].map(
    ([text, names]) => `${names.join('\n')}\n\n${text || '(no licence file)'}\n`,
  );
  return `dist/withsecrets.cjs, dist/aws-sdk.cjs, dist/aws-ssm.cjs and dist/proxy.cjs contain code from these packages.\n\n${sections.join(`\n${'-'.repeat(78)}\n\n`)}`;
}
