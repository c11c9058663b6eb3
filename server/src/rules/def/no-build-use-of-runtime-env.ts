// HPC-DEF-011: `%environment` is not sourced during the build, so `%post`/`%setup` cannot see its variables.
import { defineRule, type Fix } from '../../engine/rule';
import { insertLinesBefore, unsafeFix } from '../../engine/fixBuilder';
import type { EnvStep, KeyValue, RunStep, ShellCommand, Stage, Word } from '../../recipe/model';
import { assignmentsAndWords, effectiveWords } from '../util/commands';
import { lineIndexOf, rangeInWord } from '../util/source';
import docs from './no-build-use-of-runtime-env.md';

/** Set in every build environment anyway, whatever `%environment` says. */
const ALWAYS_SET = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'PWD', 'OLDPWD', 'TERM', 'HOSTNAME', 'UID', 'EUID', 'PS1', 'IFS', 'LANG']);
const REFERENCE = /\$(\{)?([A-Za-z_][A-Za-z0-9_]*)(:?[-=?+])?/g;
/** Sourcing the runtime environment files makes `%environment` visible. */
const SOURCES_ENVIRONMENT = /\/(\.singularity\.d\/env|environment$|\.singularity\.d\/environment)/;

interface Reference {
  name: string;
  /** Where the reference is in `word.text` (the range is only computed for reported references). */
  word: Word;
  start: number;
  end: number;
}

function runSteps(stage: Stage): RunStep[] {
  return stage.steps.filter((step): step is RunStep => step.kind === 'run' && (step.keyword.toLowerCase() === '%post' || step.keyword.toLowerCase() === '%setup'));
}

function runtimeVariables(stage: Stage): Map<string, KeyValue> {
  const variables = new Map<string, KeyValue>();
  for (const step of stage.steps) {
    if (step.kind === 'env' && step.keyword.toLowerCase() === '%environment') {
      for (const pair of (step as EnvStep).pairs) {
        variables.set(pair.key.value, pair);
      }
    }
  }
  return variables;
}

/** Names a command assigns: `A=1`, `export A`, `export A=1`, `read A`, `for A in`, `local A`, `declare A`. */
/**
 * Names exported by text the build writes somewhere (`echo 'export TEMPO2=/opt/tempo2' >> /etc/bash.bashrc`): the recipe may source that
 * file later, so the variable is not provably empty.
 */
const WRITTEN_EXPORT = /\bexport\s+([A-Za-z_]\w*)=/g;

function writtenExports(command: ShellCommand): string[] {
  return command.words.flatMap((word) => (word.value.includes('export') ? [...word.value.matchAll(WRITTEN_EXPORT)].map((match) => match[1]) : []));
}

function assignedNames(command: ShellCommand): string[] {
  const names = command.assignments.map((word) => word.value.split('=')[0]);
  const words = effectiveWords(command);
  const name = words[0]?.value;
  if (name && ['export', 'read', 'local', 'declare', 'typeset', 'readonly', 'for', 'unset'].includes(name)) {
    for (const word of words.slice(1)) {
      if (!word.value.startsWith('-')) {
        names.push(word.value.split('=')[0]);
      }
      if (name === 'for') {
        break;
      }
    }
  }
  return names;
}

/** Necessary condition for any report: some reportable variable is written `$NAME` or `${NAME` somewhere in the recipe. */
function mayReferenceAny(text: string, variables: ReadonlyMap<string, KeyValue>): boolean {
  for (const name of variables.keys()) {
    if (!ALWAYS_SET.has(name) && (text.includes(`$${name}`) || text.includes(`\${${name}`))) {
      return true;
    }
  }
  return false;
}

function references(command: ShellCommand): Reference[] {
  const found: Reference[] = [];
  for (const word of assignmentsAndWords(command)) {
    if (word.text.startsWith("'") || !word.text.includes('$')) {
      continue; // single-quoted, or no `$` for REFERENCE to match
    }
    REFERENCE.lastIndex = 0;
    for (let match = REFERENCE.exec(word.text); match; match = REFERENCE.exec(word.text)) {
      if (match[1] && match[3]) {
        continue; // `${NAME:-default}`: the script expects it may be unset
      }
      const start = match.index;
      found.push({ name: match[2], word, start, end: start + match[0].length - (match[3]?.length ?? 0) });
    }
  }
  return found;
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-011',
    name: 'no-build-use-of-runtime-env',
    category: 'def',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const index = lineIndexOf(recipe);
    for (const stage of recipe.stages) {
      const variables = runtimeVariables(stage);
      if (variables.size === 0 || !mayReferenceAny(recipe.text, variables)) {
        continue;
      }
      // Apptainer appends same-named sections into one script: assignments anywhere in it count.
      for (const group of ['%post', '%setup']) {
        const steps = runSteps(stage).filter((step) => step.keyword.toLowerCase() === group);
        const commands = steps.flatMap((step) => step.script.commands);
        if (commands.some((command) => ['.', 'source'].includes(command.words[0]?.value ?? '') && SOURCES_ENVIRONMENT.test(command.words[1]?.value ?? ''))) {
          continue;
        }
        const assigned = new Set([...commands.flatMap(assignedNames), ...commands.flatMap(writtenExports)]);
        const reported = new Set<string>();
        for (const step of steps) {
        for (const command of step.script.commands) {
          for (const reference of references(command)) {
            const pair = variables.get(reference.name);
            if (!pair || assigned.has(reference.name) || ALWAYS_SET.has(reference.name) || reported.has(reference.name)) {
              continue;
            }
            reported.add(reference.name);
            const fixes: Fix[] = [];
            const firstCommand = step.script.commands[0];
            if (pair.value && firstCommand) {
              const indent = index.lineText(firstCommand.range.start.line).match(/^\s*/)?.[0] ?? '';
              fixes.push(unsafeFix(`Export \`${reference.name}\` in \`${step.keyword}\` too`, insertLinesBefore(firstCommand.range.start.line, `${indent}export ${reference.name}=${pair.value.text}`)));
            }
            context.report({
              range: rangeInWord(recipe, reference.word, reference.start, reference.end),
              message: `\`$${reference.name}\` is set only in \`%environment\`, which is not sourced during the build; in \`${step.keyword}\` it is empty.`,
              fixes,
            });
          }
        }
        }
      }
    }
  },
});
