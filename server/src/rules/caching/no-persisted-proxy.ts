// HPC-CACHE-003: build-time proxy configuration that stays in the image.
import { defineRule, type Fix } from '../../engine/rule';
import { insert, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, RunStep, ShellCommand } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { commandText, outputRedirectTargets } from '../util/entry';
import { baseName, finalStageChain, offsetOf } from '../util/source';
import docs from './no-persisted-proxy.md';

const PROXY_VARIABLE = /^(https?|ftp|all)_proxy$/i;
const APT_PROXY = /Acquire::(https?|ftp)::Proxy/i;
const YUM_PROXY = /(^|\s|["'])proxy\s*=/;
const APT_CONF = /^\/etc\/apt\/apt\.conf(\.d\/.+)?$/;
const YUM_CONF = /^\/etc\/(yum\.conf|dnf\/dnf\.conf)$/;

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/** The config file a command writes proxy settings into, if any. */
function proxyFileWritten(recipe: Recipe, command: ShellCommand): string | undefined {
  const text = commandText(recipe, command);
  const apt = APT_PROXY.test(text);
  const yum = !apt && YUM_PROXY.test(command.words.slice(1).map((word) => word.value).join(' '));
  if (!apt && !yum) {
    return undefined;
  }
  const name = effectiveName(command);
  const targets = name === 'tee' ? effectiveWords(command).slice(1).filter((word) => !word.value.startsWith('-')).map((word) => word.value) : outputRedirectTargets(recipe, command);
  return targets.find((target) => (apt ? APT_CONF.test(target) : YUM_CONF.test(target)));
}

/** Where the step's commands remove or edit files (`rm -f /etc/apt/apt.conf.d/01proxy`, `sed -i '/proxy/d' /etc/yum.conf`): the last index per path and per glob. */
interface Removals {
  paths: Map<string, number>;
  globs: Map<string, { pattern: RegExp; last: number }>;
}

function removalsOf(commands: readonly ShellCommand[]): Removals {
  const removals: Removals = { paths: new Map(), globs: new Map() };
  commands.forEach((command, index) => {
    const words = effectiveWords(command);
    const name = baseName(words[0]?.value ?? '');
    if (name !== 'rm' && name !== 'sed' && name !== 'mv') {
      return;
    }
    for (const { value } of words.slice(1)) {
      removals.paths.set(value, index);
      if (value.includes('*')) {
        const glob = removals.globs.get(value);
        removals.globs.set(value, { pattern: glob?.pattern ?? globToRegExp(value), last: index });
      }
    }
  });
  return removals;
}

/** A command after position `from` removes or edits the file again. */
function removedLater(removals: Removals, from: number, file: string): boolean {
  if ((removals.paths.get(file) ?? -1) > from) {
    return true;
  }
  for (const { pattern, last } of removals.globs.values()) {
    if (last > from && pattern.test(file)) {
      return true;
    }
  }
  return false;
}

function removalFix(recipe: Recipe, step: RunStep, file: string): Fix | undefined {
  const script = step.script;
  const last = script.commands[script.commands.length - 1];
  if (!last || script.heredocs.length > 0 || !/^\/etc\/apt\/apt\.conf\.d\//.test(file)) {
    return undefined;
  }
  const removal = recipe.format === 'dockerfile' ? ` && rm -f ${file}` : `\n${indentOf(recipe, last)}rm -f ${file}`;
  return unsafeFix(`Remove \`${file}\` at the end of the step`, insert(last.range.end, removal));
}

function indentOf(recipe: Recipe, command: ShellCommand): string {
  const lineStart = offsetOf(recipe, { line: command.range.start.line, character: 0 });
  return /^[ \t]*/.exec(recipe.text.slice(lineStart))?.[0] ?? '    ';
}

export default defineRule({
  meta: {
    code: 'HPC-CACHE-003',
    name: 'no-persisted-proxy',
    category: 'caching',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'unsafe',
    interests: { keywords: ['proxy'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of finalStageChain(recipe)) {
      for (const step of stage.steps) {
        if (step.kind === 'env') {
          for (const pair of step.pairs) {
            if (PROXY_VARIABLE.test(pair.key.value) && pair.value !== undefined && pair.value.value !== '') {
              context.report({
                range: pair.range,
                message: `\`${pair.key.value}\` set in ${step.keyword} stays in the image and in every job's environment; pass it only at build time (predefined build argument \`--build-arg ${pair.key.value}=…\`, or export it before \`apptainer build\`).`,
              });
            }
          }
          continue;
        }
        if (step.kind !== 'run' || /^%setup$/i.test(step.keyword)) {
          continue;
        }
        const commands = step.script.commands;
        let removals: Removals | undefined;
        for (let i = 0; i < commands.length; i++) {
          const file = proxyFileWritten(recipe, commands[i]);
          if (file && !removedLater((removals ??= removalsOf(commands)), i, file)) {
            const fix = removalFix(recipe, step, file);
            context.report({
              range: commands[i].range,
              message: `Proxy configuration written to \`${file}\` is never removed in this step, so it stays in the image and every later package install on another network tries an unreachable proxy; delete it at the end of the step or pass the proxy as a build argument.`,
              fixes: fix ? [fix] : undefined,
            });
          }
        }
      }
    }
  },
});
