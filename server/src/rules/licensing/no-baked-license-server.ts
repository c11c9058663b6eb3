// HPC-LIC-003: licence-server addresses (`27000@licsrv`) baked into ENV/ARG defaults/%environment.
import { defineRule } from '../../engine/rule';
import type { ArgStep, EnvStep, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { rangeInWord } from '../util/source';
import docs from './no-baked-license-server.md';

/** FlexNet/RLM/LSTC licence variables: `LM_LICENSE_FILE`, `ANSYSLMD_LICENSE_FILE`, `MLM_LICENSE_FILE`, `LSTC_LICENSE_SERVER`, `ANSYSLI_SERVERS`, RLM `solidangle_LICENSE` … */
const LICENSE_VARIABLE = /^([A-Z0-9_]*_LICENSE|[A-Z0-9_]*_LICENSE_FILE|[A-Z0-9_]*LMD_LICENSE_FILE|[A-Z0-9_]*LICENSE_SERVERS?|ANSYSLI_SERVERS)$/i;
/** Variables whose value is a host name even without `port@`. */
const SERVER_VARIABLE = /(LICENSE_SERVERS?|LI_SERVERS)$/i;
/** `port@host` or `@host` (FlexNet server syntax); `user@host` (letters before `@`) does not match. */
const SERVER_SPEC = /(?<![\w.@$])(\d{1,5})?@([A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?)(?![\w@])/;
const PLAIN_HOST = /^[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;
const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

export default defineRule({
  meta: {
    code: 'HPC-LIC-003',
    name: 'no-baked-license-server',
    category: 'licensing',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    interests: { keywords: ['license', 'ansysli_servers'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const checkPair = (name: string, value: Word, valueOffset = 0, textInWord?: string): void => {
      if (!LICENSE_VARIABLE.test(name)) {
        return;
      }
      const text = textInWord ?? value.text;
      const spec = SERVER_SPEC.exec(text);
      let start: number;
      let end: number;
      let server: string;
      if (spec) {
        start = spec.index;
        end = spec.index + spec[0].length;
        server = spec[2];
      } else {
        const plain = text.replace(/^(["'])(.*)\1$/s, '$2');
        if (!SERVER_VARIABLE.test(name) || !PLAIN_HOST.test(plain)) {
          return;
        }
        start = text.indexOf(plain);
        end = start + plain.length;
        server = plain.replace(/:\d+$/, '');
      }
      context.report({
        range: rangeInWord(recipe, value, valueOffset + start, valueOffset + end),
        message: `${name} names the licence server \`${server}\` in the image; licence servers are site-specific — set ${name} at run time (\`docker run -e\`, \`apptainer exec --env\`, the job script).`,
      });
    };

    const pairSteps: (EnvStep | ArgStep)[] = [...recipe.globalArgs];
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind === 'env' || step.kind === 'arg') {
          pairSteps.push(step);
        }
      }
    }
    for (const step of pairSteps) {
      for (const pair of step.pairs) {
        if (pair.value) {
          checkPair(pair.key.value, pair.value);
        }
      }
    }

    for (const { script, step } of allScripts(recipe)) {
      if (step.kind === 'env') {
        continue; // %environment: checked through its pairs
      }
      for (const command of script.commands) {
        const name = effectiveName(command);
        if (name !== 'echo' && name !== 'printf') {
          continue;
        }
        for (const word of effectiveWords(command).slice(1)) {
          const inner = word.value.trim();
          const match = ASSIGNMENT.exec(inner);
          if (match && word.text.includes(match[2])) {
            const valueAt = word.text.indexOf(`${match[1]}=`) + match[1].length + 1;
            checkPair(match[1], word, valueAt, word.text.slice(valueAt, valueAt + match[2].length));
          }
        }
      }
    }
  },
});
