// dist/sbom.cdx.json: a CycloneDX SBOM of the packages bundled into dist/, so scanners see what the package holds.

import type { BundledPackage } from './bundled-packages.ts';

/** The npm package URL (purl spec): the scope's `@` is percent-encoded. */
function purlOf(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

/**
 * CycloneDX 1.5 JSON: withsecrets as the application, each bundled package a library it depends on. No timestamp
 * or serial number: the same build writes the same file. The packages are npm's devDependencies of withsecrets
 * (installing it installs nothing else), so this file, not the package's manifest, says what its code contains.
 */
export function cycloneDx(
  self: { name: string; version: string },
  packages: readonly BundledPackage[],
): string {
  const selfRef = purlOf(self.name, self.version);
  const seen = new Map<string, BundledPackage>();
  for (const bundled of packages) seen.set(purlOf(bundled.name, bundled.version), bundled);
  const components = [...seen].map(([purl, { name, version, license }]) => {
    const scope = /^(@[^/]+)\/(.+)$/.exec(name);
    return {
      type: 'library',
      'bom-ref': purl,
      ...(scope === null ? { name } : { group: scope[1], name: scope[2] }),
      version,
      purl,
      ...(license === undefined ? {} : { licenses: [{ expression: license }] }),
    };
  });
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      component: {
        type: 'application',
        'bom-ref': selfRef,
        name: self.name,
        version: self.version,
        purl: selfRef,
      },
      tools: {
        components: [{ type: 'application', name: 'withsecrets src/build/sbom.ts, from esbuild metafiles' }],
      },
    },
    components,
    dependencies: [
      { ref: selfRef, dependsOn: components.map((component) => component['bom-ref']) },
      ...components.map((component) => ({ ref: component['bom-ref'], dependsOn: [] })),
    ],
  };
  return `${JSON.stringify(bom, null, 2)}\n`;
}
