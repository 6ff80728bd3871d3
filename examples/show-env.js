// Prints NAME=value for each variable named on its command line: the demo's stand-in for a real program.
for (const name of process.argv.slice(2)) {
  const value = process.env[name];
  process.stdout.write(value === undefined ? `${name} is not set\n` : `${name}=${value}\n`);
}
