// A root file system as a FROM-scratch image holds it: the executable, its shared libraries, certificates, busybox.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Debian's busybox-static installs it here; the dynamically linked busybox would need libraries of its own. */
const BUSYBOX_PLACES = ['/bin/busybox', '/usr/bin/busybox'];
/** What the commands of the tests use: busybox's own applets, nothing of this machine's. */
const APPLETS = ['sh', 'echo', 'env', 'sleep', 'kill', 'printf', 'cat', 'ls'];
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The shared libraries `ldd` lists for a binary, by absolute path (the vdso has none). */
export function sharedLibraries(binary: string): string[] {
  const listed = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`ldd ${binary} failed: ${listed.stderr}`);
  return [...listed.stdout.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((match) => match[1] as string);
}

/** The statically linked busybox of this machine, or why there is none. */
export function staticBusybox(): { path: string } | { unavailable: string } {
  const path = BUSYBOX_PLACES.find((place) => existsSync(place));
  if (path === undefined) return { unavailable: 'no busybox: apt-get install busybox-static' };
  const listed = spawnSync('ldd', [path], { encoding: 'utf8' });
  // ldd says "not a dynamic executable" (and fails) for a static binary.
  if (listed.status === 0)
    return { unavailable: `${path} is dynamically linked: apt-get install busybox-static` };
  return { path };
}

/**
 * Makes the root: /withsecrets, each library at the path `ldd` gives (the loader included), the CA bundle at
 * /etc/ssl/certs, busybox at /bin with its applets as links, and empty /proc, /dev/null and /tmp for the runtime's
 * mounts (a container runtime mounts /proc and /dev; the test mounts them inside its own mount namespace).
 * No node, no shell but busybox's, no mkfifo: withsecrets falls back to its socket pairs (src/mask/output-pipes.ts).
 */
export function makeMinimalRoot(executable: string, busybox: string): string {
  const root = mkdtempSync(join(tmpdir(), 'withsecrets-root-'));
  copyFileSync(executable, join(root, 'withsecrets'));
  chmodSync(join(root, 'withsecrets'), 0o755);
  for (const library of sharedLibraries(executable)) {
    mkdirSync(join(root, dirname(library)), { recursive: true });
    copyFileSync(library, join(root, library));
  }
  mkdirSync(join(root, 'etc/ssl/certs'), { recursive: true });
  if (existsSync(CA_BUNDLE)) copyFileSync(CA_BUNDLE, join(root, CA_BUNDLE));
  mkdirSync(join(root, 'bin'));
  copyFileSync(busybox, join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const applet of APPLETS) symlinkSync('busybox', join(root, 'bin', applet));
  for (const dir of ['proc', 'dev', 'dev/shm', 'tmp']) mkdirSync(join(root, dir));
  writeFileSync(join(root, 'dev/null'), '');
  return root;
}

/**
 * The command that runs `args` as PID 1 of a new pid namespace, chrooted into `root`: a host shell in the new
 * namespaces mounts /proc, /dev/null and a tmpfs at /dev/shm (as Docker does), then execs chroot, which execs
 * /withsecrets, so it keeps pid 1.
 */
export function asPid1In(root: string, args: readonly string[]): string[] {
  const quoted = args.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
  const script = `mount -t proc proc "$1/proc" && mount --bind /dev/null "$1/dev/null" && mount -t tmpfs -o mode=1777 tmpfs "$1/dev/shm" && c=$(command -v chroot) && PATH=/bin exec "$c" "$1" /withsecrets ${quoted}`;
  return ['unshare', '--pid', '--fork', '--mount', 'sh', '-c', script, 'sh', root];
}
