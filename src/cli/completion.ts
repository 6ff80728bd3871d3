// `withsecrets completion bash|zsh|fish`: a shell completion script made from the options table, calling nothing back.
import { WithsecretsError } from '../errors.ts';
import { OPTION_NAMES, OPTIONS, type OptionName } from './options.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Signals --stop-signal and --on-change signal:NAME take (what a command is usually told to stop or reload with). */
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** The fixed values an option takes; none of them asks AWS for anything. */
const VALUES: Partial<Record<OptionName, readonly string[]>> = {
  'name-case': ['upper', 'keep'],
  'on-change': ['restart', 'exit', ...SIGNALS.map((signal) => `signal:${signal}`)],
  'stop-signal': SIGNALS,
};

interface Spelling {
  readonly long: string;
  readonly short?: string;
  readonly takesValue: boolean;
  readonly describe: string;
}

/** Every way to type each option, `--no-NAME` for a boolean included, and --help and --version. */
function spellings(): Spelling[] {
  const all: Spelling[] = [];
  for (const name of OPTION_NAMES) {
    const spec: { type: string; alias?: string; describe: string } = OPTIONS[name];
    const takesValue = spec.type !== 'boolean';
    all.push({
      long: name,
      ...(spec.alias === undefined ? {} : { short: spec.alias }),
      takesValue,
      describe: spec.describe,
    });
    if (!takesValue) all.push({ long: `no-${name}`, takesValue: false, describe: `turn off --${name}` });
  }
  all.push({ long: 'help', short: 'h', takesValue: false, describe: 'show the options' });
  all.push({ long: 'version', takesValue: false, describe: 'show the version' });
  return all;
}

/** The script for `shell`; a USAGE error names the shells there are. */
export function completionScript(shell: string): string {
  switch (shell) {
    case 'bash':
      return bashScript();
    case 'zsh':
      return zshScript();
    case 'fish':
      return fishScript();
    default:
      throw new WithsecretsError('USAGE', `no completion for the shell "${shell}"`, {
        hint: `use withsecrets completion ${SHELLS.join('|')}`,
      });
  }
}

/** Single-quoted for a shell: no expansion inside. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function bashScript(): string {
  const all = spellings();
  const words = all.flatMap((s) => [`--${s.long}`, ...(s.short === undefined ? [] : [`-${s.short}`])]);
  const valueCases = Object.entries(VALUES).map(
    ([name, values]) =>
      `    --${name}) COMPREPLY=($(compgen -W ${quote(values.join(' '))} -- "$cur")); return ;;`,
  );
  const takingValue = all
    .filter((s) => s.takesValue)
    .flatMap((s) => [`--${s.long}`, ...(s.short ? [`-${s.short}`] : [])]);
  return `# withsecrets completion for bash: source <(withsecrets completion bash), or save it in bash-completion's directory
_withsecrets() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} i
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ \${COMP_WORDS[i]} == -- ]]; then
      # After --: the command and its arguments, completed as bash would complete them.
      COMPREPLY=($(compgen -c -- "$cur" | sort -u) $(compgen -f -- "$cur"))
      return
    fi
  done
  case $prev in
${valueCases.join('\n')}
    ${takingValue.join('|')}) COMPREPLY=(); return ;;
  esac
  COMPREPLY=($(compgen -W ${quote([...words, '--'].join(' '))} -- "$cur"))
}
complete -F _withsecrets withsecrets
`;
}

function zshScript(): string {
  const specs = spellings().map((s) => {
    const values = VALUES[s.long as OptionName];
    const action = values !== undefined ? `:value:(${values.join(' ')})` : s.takesValue ? ':value: ' : '';
    const described = quote(`[${s.describe.replace(/[[\]:\\]/g, ' ')}]${action}`);
    // zsh expands the braces, outside the quotes, into one spec for each spelling of the option.
    return s.short === undefined
      ? `--${s.long}${described}`
      : `${quote(`(-${s.short} --${s.long})`)}{-${s.short},--${s.long}}${described}`;
  });
  return `#compdef withsecrets
# withsecrets completion for zsh: save as _withsecrets in a directory of $fpath, or: source <(withsecrets completion zsh)
_withsecrets() {
  _arguments -S \\
    ${specs.join(' \\\n    ')} \\
    '(-)--[the command and its arguments]' \\
    '*::command:_normal'
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _withsecrets "$@"; else compdef _withsecrets withsecrets; fi
`;
}

function fishScript(): string {
  const lines = spellings().map((s) => {
    const values = VALUES[s.long as OptionName];
    const parts = [
      'complete -c withsecrets -n "not __fish_seen_subcommand_from --"',
      `-l ${s.long}`,
      ...(s.short === undefined ? [] : [`-s ${s.short}`]),
      ...(values !== undefined ? ['-x', `-a ${quote(values.join(' '))}`] : s.takesValue ? ['-r'] : []),
      `-d ${quote(s.describe)}`,
    ];
    return parts.join(' ');
  });
  return `# withsecrets completion for fish: withsecrets completion fish > ~/.config/fish/completions/withsecrets.fish
complete -c withsecrets -f
${lines.join('\n')}
# After --: complete the command line that follows, as fish would complete it on its own.
function __withsecrets_command
  set -l tokens (commandline -opc)
  set -l at (contains -i -- -- $tokens)
  complete -C (string join ' ' -- $tokens[(math $at + 1)..-1] (commandline -ct))
end
complete -c withsecrets -n "__fish_seen_subcommand_from --" -a "(__withsecrets_command)"
`;
}
