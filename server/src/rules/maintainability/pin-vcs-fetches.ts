// HPC-MAINT-001: VCS fetches that take whatever the default branch holds at build time.
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { insert, replace, unsafeFix } from '../../engine/fixBuilder';
import { CommandFilter } from '../../recipe/command-filter';
import type { ShellCommand, Word } from '../../recipe/model';
import { flagValue, hasFlag, scriptsOfStage } from '../../recipe/query';
import { quotedForCommand } from '../../recipe/shell';
import { effectiveName, effectiveWords, isPipCommand } from '../util/commands';
import { ownRepositoryFinding, ownRepositoryOf } from '../util/own-repository';
import { RELEASE_TAG } from '../util/placeholders';
import { rangeInWord } from '../util/source';
import docs from './pin-vcs-fetches.md';

/** Ref names that move: a clone or checkout of these is not a pin. */
const MOVING_REF = /^(?:origin\/)?(?:master|main|develop|devel|dev|trunk|HEAD|latest|nightly)$/i;

/** git options that take a separate value before the subcommand. */
const GIT_VALUE_OPTIONS = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace']);

/** The git subcommand and its arguments (`git -C src checkout v1` → `checkout`, [`v1`]). */
function gitSubcommand(command: ShellCommand): { name: Word; args: Word[] } | undefined {
  const words = effectiveWords(command);
  if (words.length === 0 || effectiveName(command) !== 'git') {
    return undefined;
  }
  let i = 1;
  while (i < words.length && words[i].value.startsWith('-')) {
    i += GIT_VALUE_OPTIONS.has(words[i].value) ? 2 : 1;
  }
  return i < words.length ? { name: words[i], args: words.slice(i + 1) } : undefined;
}

const CLONE_VALUE_OPTIONS = new Set(['-o', '--origin', '-u', '--upload-pack', '--reference', '--reference-if-able', '--separate-git-dir', '--depth', '--shallow-since', '--shallow-exclude', '-j', '--jobs', '--filter', '--template', '-c', '--config', '--server-option', '--bundle-uri']);

/** The repository operand of `git clone` (first non-option argument). */
function cloneSource(args: Word[]): Word | undefined {
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (value === '--') {
      return args[i + 1];
    }
    if (value.startsWith('-')) {
      if (CLONE_VALUE_OPTIONS.has(value) || value === '-b' || value === '--branch') {
        i++;
      }
      continue;
    }
    return args[i];
  }
  return undefined;
}

const REMOTE = /^(?:[a-z+]+:\/\/|git@|[\w.-]+\.[a-z]{2,}[:/])/i;

/** A later `git checkout <ref>`, `git switch --detach <ref>` or `git reset --hard <ref>` with a fixed ref. */
function isPinningCommand(command: ShellCommand): boolean {
  const git = gitSubcommand(command);
  if (!git) {
    return false;
  }
  const sub = git.name.value;
  if (sub !== 'checkout' && sub !== 'switch' && sub !== 'reset') {
    return false;
  }
  if (sub === 'reset' && !git.args.some((word) => word.value === '--hard')) {
    return false;
  }
  const operands = git.args.filter((word) => !word.value.startsWith('-'));
  if (sub === 'checkout' && git.args.some((word) => word.value === '-b' || word.value === '-B')) {
    // `git checkout -b name <start-point>`: the start point is the ref.
    return operands.length >= 2 && !MOVING_REF.test(operands[1].value);
  }
  return operands.length > 0 && operands[0].value !== '--' && !MOVING_REF.test(operands[0].value) && !operands[0].value.startsWith('.');
}

const PIP_NAMES = new Set(['uv', 'pipx', 'pip3', 'pip']);

/** A git command, or one `checkPipAndGo` looks at: every other command leaves the rule's state as it is. */
function mayFetchOrPin(command: ShellCommand): boolean {
  const name = effectiveName(command);
  return name === 'git' || name === 'go' || isPipCommand(command) || PIP_NAMES.has(name);
}

const FETCHES_OR_PINS = new CommandFilter(mayFetchOrPin);

export default defineRule({
  meta: {
    code: 'HPC-MAINT-001',
    name: 'pin-vcs-fetches',
    category: 'maintainability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    // `git clone`, `pip install git+…`, or `go install …@latest` (or another moving ref).
    interests: { keywords: ['git', '@latest', '@master', '@main', '@head'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const fetchesOrPins = FETCHES_OR_PINS.reader(recipe);
    for (const stage of recipe.stages) {
      const commands: ShellCommand[] = [];
      for (const { step, script } of scriptsOfStage(recipe, stage)) {
        if (step.kind === 'run') {
          commands.push(...fetchesOrPins(script));
        }
      }
      // Unpinned clones waiting for a later checkout; a pinning command pins the most recent one.
      const pending: (() => void)[] = [];
      for (const command of commands) {
        if (isPinningCommand(command)) {
          pending.pop();
          continue;
        }
        const git = gitSubcommand(command);
        if (git?.name.value === 'clone') {
          const source = cloneSource(git.args);
          // `--no-checkout`/`--bare`/`--mirror` build nothing from the default branch: what is used is what a later checkout picks.
          if (!source || !REMOTE.test(source.value) || hasFlag(command, '--no-checkout', '-n', '--bare', '--mirror')) {
            continue;
          }
          const spack = /(?:^|[/:])spack\/spack(?:\.git)?\/?$/i.test(source.value);
          const what = spack ? 'Spack is cloned at its default branch (`develop`): Spack itself, and the package recipes it selects, change between builds' : `\`git clone ${source.value}\` takes the default branch as it is at build time`;
          const own = ownRepositoryOf(source.value, context.settings);
          const branch = flagValue(command, '--branch', '-b');
          if (branch) {
            if (MOVING_REF.test(branch.value)) {
              // Like an unpinned clone: a later `git checkout <sha>` / `git reset --hard <ref>` pins it.
              const fixes: Fix[] = [unsafeFix(`Replace the branch with a '${RELEASE_TAG}' placeholder (fill in a real tag)`, replace(branch.range, quotedForCommand(command, RELEASE_TAG)))];
              pending.push(() =>
                context.report(
                  own
                    ? ownRepositoryFinding(branch.range, `This clones the \`${branch.value}\` branch`, own, fixes)
                    : {
                        range: branch.range,
                        message: `\`--branch ${branch.value}\` is a moving branch, not a pin: ${spack ? 'Spack `develop` and the package recipes it selects change between builds' : 'a rebuild gets different code'}; name a release tag (or check out a commit after cloning).`,
                        fixes,
                      },
                ),
              );
            }
            continue;
          }
          const insertion = ` --branch ${quotedForCommand(command, RELEASE_TAG)}` + (flagValue(command, '--depth') || command.words.some((w) => w.value.startsWith('--depth=')) ? '' : ' --depth 1');
          const fix: Fix = unsafeFix(`Insert \`${insertion.trim()}\` after \`clone\` (placeholder: fill in a real tag)`, insert(git.name.range.end, insertion));
          const range = { start: git.name.range.start, end: source.range.end };
          pending.push(() =>
            context.report(
              own
                ? ownRepositoryFinding(range, 'This clones the default branch', own, [fix])
                : { range, message: `${what}; pin a release tag (\`--branch <tag> --depth 1\`) or check out a commit after cloning.`, fixes: [fix] },
            ),
          );
          continue;
        }
        checkPipAndGo(context, command);
      }
      pending.forEach((report) => report());
    }
  },
});

function checkPipAndGo(context: RuleContext, command: ShellCommand): void {
  const { recipe } = context;
  const words = effectiveWords(command);
  if (isPipCommand(command) || PIP_NAMES.has(effectiveName(command))) {
    for (const word of words) {
      const m = /git\+[a-z]+:\/\/([^\s"'#]*)/i.exec(word.value);
      if (!m) {
        continue;
      }
      const afterScheme = m[1];
      const path = afterScheme.slice(afterScheme.indexOf('/') + 1);
      const at = path.lastIndexOf('@');
      const ref = at >= 0 ? path.slice(at + 1) : undefined;
      if (ref && !MOVING_REF.test(ref)) {
        continue;
      }
      const start = word.text.indexOf('git+');
      const urlEnd = start >= 0 ? start + m[0].length : -1;
      const range = start >= 0 && word.text.slice(start, urlEnd) === m[0] ? rangeInWord(recipe, word, start, urlEnd) : word.range;
      const own = ownRepositoryOf(m[0], context.settings);
      if (own) {
        context.report(ownRepositoryFinding(range, ref ? `pip installs the \`${ref}\` branch` : 'pip installs the default branch', own));
        continue;
      }
      context.report({
        range,
        message: ref
          ? `\`@${ref}\` is a moving branch: pip installs whatever it holds at build time; pin a tag or commit (\`…git@v1.2.3\`).`
          : 'pip installs the default branch of this repository as it is at build time; pin a tag or commit (`pkg @ git+https://…git@v1.2.3`).',
      });
    }
    return;
  }
  if (effectiveName(command) === 'go' && words[1] && (words[1].value === 'install' || words[1].value === 'get')) {
    for (const word of words.slice(2)) {
      const at = word.value.lastIndexOf('@');
      if (at > 0 && /^(latest|master|main|HEAD)$/.test(word.value.slice(at + 1))) {
        const offset = word.text.lastIndexOf('@');
        const range = offset >= 0 ? rangeInWord(recipe, word, offset, word.text.length) : word.range;
        const own = ownRepositoryOf(word.value, context.settings);
        context.report(
          own
            ? ownRepositoryFinding(range, `\`go ${words[1].value} …@${word.value.slice(at + 1)}\` takes the newest version`, own)
            : { range, message: `\`go ${words[1].value} ${word.value}\` resolves the newest version at build time; pin a module version (\`@v1.2.3\`).` },
        );
      }
    }
  }
}
