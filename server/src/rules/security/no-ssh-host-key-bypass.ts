// HPC-SEC-011: SSH host-key verification switched off (`StrictHostKeyChecking=no`, `UserKnownHostsFile=/dev/null`).
import { defineRule } from '../../engine/rule';
import type { Range, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { offsetOf, rangeInWord, rangeOf } from '../util/source';
import docs from './no-ssh-host-key-bypass.md';

/** `StrictHostKeyChecking no|off|=no`, `UserKnownHostsFile /dev/null` in ssh options, config lines and environment values. */
const BYPASS = /\b(StrictHostKeyChecking\s*[= ]\s*["']?(?:no|off)\b|UserKnownHostsFile\s*[= ]\s*["']?\/dev\/null\b)/gi;

export default defineRule({
  meta: {
    code: 'HPC-SEC-011',
    name: 'no-ssh-host-key-bypass',
    category: 'security',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'none',
    interests: { keywords: ['stricthostkeychecking', 'userknownhostsfile'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const reported = new Set<string>();
    const report = (range: Range, setting: string): void => {
      const key = `${range.start.line}:${range.start.character}`;
      if (reported.has(key)) {
        return;
      }
      reported.add(key);
      const option = /^UserKnownHostsFile/i.test(setting) ? '`UserKnownHostsFile=/dev/null` forgets every host key' : `\`${setting.replace(/\s+/, ' ')}\` accepts any host key`;
      context.report({
        range,
        message:
          `${option}: SSH host-key verification is off, so whatever answers at a node's address gets the connection and the user's credentials. ` +
          'It usually serves in-container SSH launch (mpirun, Spark or Hydra over ssh), which HPC runtimes do not support: launch ranks from the host (`srun … apptainer exec …`); ' +
          "where SSH between nodes is really needed, use the site's known hosts (`/etc/ssh/ssh_known_hosts`) or `StrictHostKeyChecking=accept-new` with a per-job known_hosts file.",
      });
    };
    const scanWord = (word: Word): void => {
      for (const match of word.text.matchAll(BYPASS)) {
        const start = match.index ?? 0;
        report(rangeInWord(recipe, word, start, start + match[0].length), match[0]);
      }
    };
    for (const { script } of allScripts(recipe)) {
      for (const command of script.commands) {
        command.words.forEach(scanWord);
        command.assignments.forEach(scanWord);
      }
      for (const heredoc of script.heredocs) {
        const base = offsetOf(recipe, heredoc.range.start);
        for (const match of heredoc.body.matchAll(BYPASS)) {
          const start = base + (match.index ?? 0);
          report(rangeOf(recipe, start, start + match[0].length), match[0]);
        }
      }
    }
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind === 'env' && !step.script) {
          step.pairs.forEach((pair) => pair.value && scanWord(pair.value));
        }
      }
    }
  },
});
