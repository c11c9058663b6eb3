// HPC-DEF-009: `%post` runs with /bin/sh: a shebang is ignored, bash-isms fail on Debian/Ubuntu (dash).
import { defineRule, type Finding, type Fix } from '../../engine/rule';
import type { Recipe, RunStep, Section, ShellCommand, Stage } from '../../recipe/model';
import { lineIndexOf, offsetOf } from '../util/source';

/** `#!/bin/bash`, `#!/usr/bin/env bash` → `/bin/bash`; other interpreters → undefined. */
function bashFromShebang(line: string): string | undefined {
  const match = /^#!\s*(\S+)(?:\s+(\S+))?\s*$/.exec(line.trim());
  if (!match) {
    return undefined;
  }
  const [, program, argument] = match;
  if (/(^|\/)bash$/.test(program) && argument === undefined) {
    return program;
  }
  if (/(^|\/)env$/.test(program) && argument === 'bash') {
    return '/bin/bash';
  }
  return undefined;
}

/** Shebangs naming the default shell change nothing. */
function isPlainSh(line: string): boolean {
  return /^#!\s*(\/usr)?\/bin\/sh(\s+-\w+)?\s*$/.test(line.trim()) || /^#!\s*\/usr\/bin\/env\s+sh\s*$/.test(line.trim());
}

/** Vendor tags naming a Debian/Ubuntu base: `12.4.1-devel-ubuntu22.04`, `3.12-bookworm`. */
const DEBIAN_TAG = /(^|[-_.])(ubuntu|debian)|(^|[-_.])(xenial|bionic|focal|jammy|noble|stretch|buster|bullseye|bookworm|trixie)($|[-_.])/;

/** Debian or Ubuntu base, where /bin/sh is dash. */
function isDebianFamily(stage: Stage): boolean {
  if (stage.base.agent === 'debootstrap') {
    return true;
  }
  const image = stage.base.image;
  if (!image) {
    return false;
  }
  const name = image.repository.split('/').pop() ?? '';
  return name === 'ubuntu' || name === 'debian' || DEBIAN_TAG.test(image.tag ?? '');
}

interface Bashism {
  command: ShellCommand;
  what: string;
}

/** Commands that dash cannot run. */
function bashisms(recipe: Recipe, step: RunStep): Bashism[] {
  const found: Bashism[] = [];
  for (const command of step.script.commands) {
    const first = command.words[0]?.value;
    if (first === '[[') {
      found.push({ command, what: '`[[ … ]]` tests' });
    } else if (first === 'source') {
      found.push({ command, what: '`source` (dash only has `.`)' });
    } else if (first === 'set' && command.words.some((word) => word.value === 'pipefail')) {
      found.push({ command, what: '`set -o pipefail` (not in older dash)' });
    } else if (first === 'declare' || first === 'typeset' || first === 'shopt' || first === 'function') {
      found.push({ command, what: `\`${first}\`` });
    } else if (command.assignments.some((word) => word.value.endsWith('=') && recipe.text[offsetOf(recipe, word.range.end)] === '(')) {
      found.push({ command, what: 'array assignments' });
    } else if (command.words.some((word) => word.text === '<<<')) {
      found.push({ command, what: '`<<<` here-strings' });
    }
  }
  return found;
}

function firstContentLine(recipe: Recipe, section: Section): { text: string; start: number; end: number } | undefined {
  const index = lineIndexOf(recipe);
  for (let line = section.bodyRange.start.line; line <= section.bodyRange.end.line && line < index.lineCount; line++) {
    const text = index.lineText(line);
    if (text.trim().length > 0) {
      const start = index.lineStart(line) + (text.length - text.trimStart().length);
      return { text: text.trim(), start, end: index.lineStart(line) + text.trimEnd().length };
    }
  }
  return undefined;
}

function addShellFix(recipe: Recipe, section: Section, shell: string): Fix {
  const index = lineIndexOf(recipe);
  const end = section.args.length > 0 ? section.args[section.args.length - 1].range.end : section.header.range.end;
  const at = index.offsetAt(end);
  return { title: `Run \`${section.header.text}\` with \`-c ${shell}\``, safe: true, edits: [{ range: index.range(at, at), newText: ` -c ${shell}` }] };
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-009',
    name: 'post-shell-interpreter',
    category: 'def',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'safe',
    docs: {
      summary: '`%post` runs with `/bin/sh`: a `#!` line there is ignored and bash-isms fail on Debian/Ubuntu bases; `%test` has no `-c`.',
      whatItDoes:
        'Reports a `#!` interpreter line at the top of `%post` (Apptainer ignores it; only `%post -c <shell>` changes the shell), bash-only syntax ' +
        '(`[[`, `source`, arrays, `declare`, `<<<`, `set -o pipefail`) in a `%post` without `-c /bin/bash` when the base is Debian or Ubuntu (their ' +
        '`/bin/sh` is dash), `%test -c`, which is not supported, and `-c` on `%runscript`/`%startscript`, which is undocumented (use a `#!` line).',
      whyHpc:
        'Under dash, `[[ -f x ]]` prints "[[: not found" and the condition is silently false, `source` fails — the image builds but lacks what the script ' +
        'was meant to set up, and the job fails later on the cluster.',
      howToFix:
        'Write `%post -c /bin/bash` when the script needs bash (the quick fix adds it; safe), or stick to POSIX sh. Use a `#!` line, not `-c`, for ' +
        '`%test`, `%runscript` and `%startscript`.',
      bad: [
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    if [[ ! -d /opt/app ]]; then mkdir -p /opt/app; fi\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n#!/bin/bash\n    dnf -y install gcc\n' },
      ],
      good: [
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post -c /bin/bash\n    if [[ ! -d /opt/app ]]; then mkdir -p /opt/app; fi\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    if [[ ! -d /opt/app ]]; then mkdir -p /opt/app; fi\n' },
      ],
      exceptions: 'Bases other than Debian/Ubuntu images and debootstrap are not checked for bash-isms: their `/bin/sh` is usually bash.',
      references: [
        'https://apptainer.org/docs/user/main/definition_files.html#post',
        'https://wiki.ubuntu.com/DashAsBinSh',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    const report = (finding: Finding): void => context.report(finding);
    for (const stage of recipe.stages) {
      const debian = isDebianFamily(stage);
      stage.sections.forEach((section) => {
        const hasShellFlag = section.args.some((arg) => arg.value === '-c');
        if (section.name === 'post') {
          const step = stage.steps.find((candidate): candidate is RunStep => candidate.kind === 'run' && candidate.range.start.line === section.range.start.line);
          const first = firstContentLine(recipe, section);
          let fixed = hasShellFlag;
          if (first && first.text.startsWith('#!') && !isPlainSh(first.text) && !hasShellFlag) {
            const bash = bashFromShebang(first.text);
            report({
              range: section.header.range,
              message: `Apptainer ignores the \`${first.text}\` line of this \`%post\` and runs it with /bin/sh; use \`%post -c ${bash ?? '<interpreter>'}\` instead.`,
              fixes: bash ? [addShellFix(recipe, section, '/bin/bash')] : [],
            });
            fixed = fixed || bash !== undefined;
          }
          if (!step || hasShellFlag || !debian) {
            return;
          }
          const found = bashisms(recipe, step);
          if (found.length > 0) {
            const kinds = [...new Set(found.map((item) => item.what))];
            report({
              range: found[0].command.range,
              message: `\`%post\` runs with /bin/sh, which is dash on this Debian/Ubuntu base, but uses ${kinds.join(', ')}; add \`-c /bin/bash\` to the section header.`,
              fixes: fixed ? [] : [addShellFix(recipe, section, '/bin/bash')],
            });
          }
        } else if (hasShellFlag && (section.name === 'test' || section.name === 'apptest')) {
          const flag = section.args.find((arg) => arg.value === '-c');
          report({
            range: flag?.range ?? section.header.range,
            message: `\`${section.header.text} -c\` is not supported; start the script with a \`#!\` line instead.`,
          });
        } else if (hasShellFlag && ['runscript', 'startscript', 'apprun', 'appstart'].includes(section.name)) {
          const flag = section.args.find((arg) => arg.value === '-c');
          report({
            range: flag?.range ?? section.header.range,
            severity: 'info',
            message: `\`-c\` on \`${section.header.text}\` is undocumented; start the script with a \`#!\` line to choose the interpreter.`,
          });
        }
      });
    }
  },
});
