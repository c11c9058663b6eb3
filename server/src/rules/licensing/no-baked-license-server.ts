// HPC-LIC-003: licence-server addresses (`27000@licsrv`) baked into ENV/ARG defaults/%environment.
import { defineRule } from '../../engine/rule';
import type { ArgStep, EnvStep, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { rangeInWord } from '../util/source';

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
    fix: 'none',
    docs: {
      summary: 'Licence-server addresses (`LM_LICENSE_FILE=27000@licsrv`) must be set at run time, not baked into the image.',
      whatItDoes:
        'Reports licence variables whose value names a licence server: `ENV`, `ARG` defaults, `%environment`, `%arguments` and `echo`/`printf` lines that write ' +
        '`NAME=value` into environment files, for `LM_LICENSE_FILE`, `*LMD_LICENSE_FILE` (e.g. `ANSYSLMD_LICENSE_FILE`), `MLM_LICENSE_FILE`, `INTEL_LICENSE_FILE`, ' +
        '`ABAQUSLM_LICENSE_FILE`, `LMCOMSOL_LICENSE_FILE`, any other `*_LICENSE_FILE`, RLM-style `<vendor>_LICENSE` (`solidangle_LICENSE`, `RLM_LICENSE`), `LSTC_LICENSE_SERVER`, `*LICENSE_SERVER(S)` and `ANSYSLI_SERVERS`. A value names a server ' +
        'when it contains FlexNet `port@host`/`@host` syntax (also in lists and in `${VAR:-27000@host}` defaults); for the `*_SERVER(S)` variables a plain host name counts too.',
      whyHpc:
        'A licence server is specific to one site and one contract. Baked into an image, the address is wrong everywhere else: the application stalls on start-up ' +
        'trying to reach an unreachable host (compute nodes often have no route outside the site) and then fails with a licence checkout error such as ' +
        '`FlexNet Licensing error:-15` or `License checkout failed`. It also publishes the site\'s licence-server host name with the image. ' +
        'MathWorks\' own MATLAB images therefore take `MLM_LICENSE_FILE=port@host` from `docker run -e`.',
      howToFix:
        'Remove the value from the recipe and set the variable when the container starts: `docker run -e LM_LICENSE_FILE=27000@licsrv …`, ' +
        '`apptainer exec --env LM_LICENSE_FILE=27000@licsrv …` or `export APPTAINERENV_LM_LICENSE_FILE=27000@licsrv` in the job script (site modules often do this). ' +
        'A declaration without a value (`ARG LM_LICENSE_FILE`) or an empty pass-through default (`${LM_LICENSE_FILE:-}`) is fine. No automatic fix: deleting the ' +
        'variable changes how the application finds its licence.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nENV ANSYSLMD_LICENSE_FILE=1055@licsrv.example.org\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%environment\n    export MLM_LICENSE_FILE=27000@licsrv\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nARG LM_LICENSE_FILE\nENV PATH=/opt/app/bin:$PATH\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%environment\n    export MLM_LICENSE_FILE="${MLM_LICENSE_FILE:-}"\n' },
      ],
      exceptions:
        'Path values (`INTEL_LICENSE_FILE=/opt/intel/licenses`, a directory you bind-mount at run time) are not reported; licence files copied into the image are HPC-LIC-002. ' +
        'An `ARG` without default is not reported, but note that values passed with `--build-arg` are recorded in the image history of every `RUN` that sees them ' +
        '(`docker history`), and `ENV NAME=$ARG` stores them in the image configuration: only do that for images that stay at the site. The `publish` setting does not ' +
        'change this rule (a baked server breaks the image at every other site, private or not); a site-internal image may bake its own server deliberately: ' +
        '`# hpclint ignore=HPC-LIC-003 -- site image`.',
      references: [
        'https://github.com/mathworks-ref-arch/matlab-dockerfile',
        'https://docs.docker.com/reference/cli/docker/container/run/#env',
        'https://apptainer.org/docs/user/main/environment_and_metadata.html',
      ],
    },
  },
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
