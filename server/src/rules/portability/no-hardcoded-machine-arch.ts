// HPC-PORT-004: recipes that can only build for one CPU architecture (arch in download URLs, FROM --platform, MirrorURL).
import { defineRule } from '../../engine/rule';
import { CommandTable } from '../../recipe/command-table';
import { ScriptTable } from '../../recipe/script-table';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts, hasFlag } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { baseName, rangeInWord } from '../util/source';
import docs from './no-hardcoded-machine-arch.md';

const ARCH = /(?<![A-Za-z0-9])(x86_64|x86-64|amd64|aarch64|arm64|ppc64le)(?![A-Za-z0-9])/;
const DOWNLOADERS = new Set(['curl', 'wget', 'aria2c']);
const ARCH_VARIABLES = /\$\{?(TARGETARCH|TARGETPLATFORM|BUILDARCH|TARGETVARIANT)\b|(\$\(|`)\s*(uname\s+-\w*m|dpkg\s+--print-architecture|arch\s*[)`])/;

export default defineRule({
  meta: {
    code: 'HPC-PORT-004',
    name: 'no-hardcoded-machine-arch',
    category: 'portability',
    severity: 'hint',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    // Most recipes are single-architecture on purpose (a cluster's nodes share one): there a fixed architecture is
    // hygiene (hint). A recipe that elsewhere adapts to the architecture means to build for several, and a fixed one
    // breaks that build (info, with that fact in the message).
    let multiArch: boolean | undefined;
    const adapts = (): boolean =>
      (multiArch ??=
        ARCH_VARIABLES.test(recipe.text) ||
        recipe.stages.some((stage) => stage.steps.some((step) => step.kind === 'from' && step.flags.some((flag) => flag.name === 'platform' && flag.value?.value.includes('$')))));
    const MIXED = ' Other parts of this recipe adapt to the architecture they build for, so a build for another one gets this file anyway.';
    const report = (word: Word, message: string): void => {
      const match = ARCH.exec(word.text);
      const range = match ? rangeInWord(recipe, word, match.index, match.index + match[0].length) : word.range;
      context.report({ range, severity: adapts() ? 'info' : undefined, message: adapts() ? `${message}${MIXED}` : message });
    };
    const downloadsOf = DOWNLOADS_BY_SCRIPT.reader(recipe);
    for (const { script } of allScripts(recipe)) {
      for (const url of downloadsOf(script)) {
        const arch = ARCH.exec(url.value)?.[1];
        report(url, `This download is fixed to \`${arch}\`; the recipe cannot build for other CPU architectures. Map \`$TARGETARCH\` or \`$(uname -m)\` to the vendor's naming instead.`);
      }
    }
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind === 'copy' && step.keyword.toUpperCase() === 'ADD') {
          const url = step.sources.find((source) => /^[a-z][\w+.-]*:\/\//i.test(source.value) && ARCH.test(source.value) && !ARCH_VARIABLES.test(source.value));
          if (url) {
            report(url, `\`ADD\` downloads the \`${ARCH.exec(url.value)?.[1]}\` build; the recipe cannot build for other CPU architectures. Use \`\${TARGETARCH}\` in the URL.`);
          }
        }
        if (step.kind === 'from') {
          const platform = step.flags.find((flag) => flag.name === 'platform' && flag.value && !flag.value.value.includes('$'));
          if (platform?.value) {
            context.report({
              range: platform.range,
              severity: adapts() ? 'info' : undefined,
              message: `\`--platform=${platform.value.value}\` pins this stage to one platform; on other machines it builds under emulation or not at all. Leave the platform to the builder (\`--platform\` of \`docker build\`) unless the image is really single-architecture.`,
            });
          }
        }
        if (step.kind === 'header' && step.key === 'mirrorurl' && ARCH.test(step.value.value)) {
          const yum = stage.base.agent === 'yum' || stage.base.agent === 'dnf';
          report(
            step.value,
            `\`MirrorURL:\` is fixed to \`${ARCH.exec(step.value.value)?.[1]}\`; the definition file cannot build on other CPU architectures.` +
              (yum ? ' Use `$basearch`, which yum/dnf expand to the build architecture.' : ''),
          );
        }
      }
    }
  },
});

/** What one command says about the architecture: whether it asks which one it builds for, and an arch-specific download URL. */
interface CommandArch {
  readonly readsArch: boolean;
  readonly url?: Word;
}

const NOTHING: CommandArch = { readsArch: false };
const READS_ARCH: CommandArch = { readsArch: true };

/** Kept per command in a lint with a memo: the command's words alone (shared: never mutate). */
const DOWNLOADS_BY_COMMAND = new CommandTable<CommandArch>((command) => {
  const words = effectiveWords(command);
  const url = words.length > 0 && DOWNLOADERS.has(baseName(words[0].value)) ? words.slice(1).find(isArchSpecificUrl) : undefined;
  const readsArch = readsMachineArch(command);
  return url ? { readsArch, url } : readsArch ? READS_ARCH : NOTHING;
});

/**
 * The arch-specific download URLs of a script that does not ask which architecture it builds for, kept per script in a
 * Dockerfile's lint with a memo (shared: never mutate).
 */
const DOWNLOADS_BY_SCRIPT = new ScriptTable<readonly Word[]>((script, recipe) => {
  if (ARCH_VARIABLES.test(script.text)) {
    return NO_URLS; // also covers `case "$(uname -m)" in …`, whose subject the splitter does not model as a command
  }
  const facts = script.commands.map(DOWNLOADS_BY_COMMAND.readerInScript(recipe));
  if (facts.some((fact) => fact.readsArch)) {
    return NO_URLS; // the script asks which architecture it builds for
  }
  const urls = facts.flatMap((fact) => fact.url ?? []);
  return urls.length > 0 ? urls : NO_URLS;
});

const NO_URLS: readonly Word[] = [];

/** A URL (quoted or not) that names one CPU architecture. */
function isArchSpecificUrl(word: Word): boolean {
  return /^["']?[a-z][\w+.-]*:\/\//i.test(word.text) && ARCH.test(word.value);
}

function readsMachineArch(command: ShellCommand): boolean {
  const name = effectiveName(command);
  return (
    (name === 'uname' && hasFlag(command, '-m', '-a', '--machine', '--all')) ||
    (name === 'dpkg' && hasFlag(command, '--print-architecture')) ||
    name === 'arch' ||
    command.assignments.some(namesArchVariable) ||
    command.words.some(namesArchVariable)
  );
}

function namesArchVariable(word: Word): boolean {
  return ARCH_VARIABLES.test(word.text);
}
