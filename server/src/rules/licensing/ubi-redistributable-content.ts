// HPC-LIC-007: UBI-based images that pull in subscription-only RHEL content.
import { defineRule } from '../../engine/rule';
import type { Stage, Word } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { baseName, finalStageChain, withShellCScriptsInstead } from '../util/source';
import docs from './ubi-redistributable-content.md';

/** `ubi8/ubi`, `ubi9/ubi-minimal`, `ubi9`, `redhat/ubi9`, `ubi8/python-311` … */
const UBI_REPOSITORY = /(^|\/)ubi\d+([-/]|$)/i;
/** Subscription repositories: `rhel-8-for-x86_64-appstream-rpms`, `codeready-builder-for-rhel-9-x86_64-rpms`, `rhel-*`. */
const RHEL_REPO = /(^|[=,\s])(rhel-[\w.*-]+|[\w-]*-for-rhel-[\w.*-]+)/;
const ENTITLEMENT = /(^|\/)etc\/pki\/entitlement(\/|$)|(^|\/)etc\/rhsm(\/|$)/;
const REPO_MANAGERS = new Set(['yum', 'dnf', 'microdnf', 'yum-config-manager', 'dnf-3', 'dnf5']);

export default defineRule({
  meta: {
    code: 'HPC-LIC-007',
    name: 'ubi-redistributable-content',
    category: 'licensing',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    interests: { keywords: ['ubi'] },
  },
  docs,
  check(context) {
    if (context.settings.publish === 'private') {
      return;
    }
    const { recipe } = context;
    const chain = finalStageChain(recipe);
    const root = chain[chain.length - 1];
    const image = root?.base.image;
    if (!image || !UBI_REPOSITORY.test(image.repository)) {
      return;
    }
    const report = (word: Pick<Word, 'range'>, what: string): void =>
      context.report({
        range: word.range,
        // Pushed to a public registry it is a clear licence breach; with `publish` unset it may be.
        severity: context.settings.publish === 'public' ? 'error' : 'warning',
        message: `${what} in an image based on UBI (\`${image.raw}\`): subscription-only RHEL content is not redistributable under the UBI EULA — use UBI repositories only, or keep the image private.`,
      });
    for (const stage of [...chain].reverse()) {
      scanStage(recipe, stage, report);
    }
  },
});

function scanStage(recipe: Parameters<typeof withShellCScriptsInstead>[0], stage: Stage, report: (word: Pick<Word, 'range'>, what: string) => void): void {
  for (const step of stage.steps) {
    if (step.kind === 'copy') {
      const word = [...step.sources, ...(step.destination ? [step.destination] : [])].find((candidate) => ENTITLEMENT.test(candidate.value));
      if (word) {
        report(word, `${step.keyword} of the entitlement \`${word.value}\``);
      }
    }
    if (step.kind !== 'run') {
      continue;
    }
    for (const flag of step.flags) {
      if (flag.name === 'mount' && flag.value && /(target|dst|destination)=\/?(etc\/pki\/entitlement|etc\/rhsm)/.test(flag.value.value)) {
        report(flag, 'A build mount of the RHEL entitlement');
      }
    }
    for (const command of withShellCScriptsInstead(recipe, step.script.commands)) {
      const words = effectiveWords(command);
      const program = baseName(words[0]?.value ?? '');
      if (program === 'subscription-manager') {
        const action = words.slice(1).find((word) => !word.value.startsWith('-'));
        if (action && ['register', 'attach', 'repos'].includes(action.value)) {
          report(words[0], `\`subscription-manager ${action.value}\``);
        }
        continue;
      }
      if (!REPO_MANAGERS.has(program)) {
        continue;
      }
      for (let i = 1; i < words.length; i++) {
        const value = words[i].value;
        const enabling = /^--(enablerepo|enable|set-enabled)(=|$)/.exec(value);
        const previous = words[i - 1].value;
        const repoText = enabling && value.includes('=') ? value.slice(value.indexOf('=') + 1) : /^--(enablerepo|enable|set-enabled)$/.test(previous) ? value : undefined;
        if (repoText !== undefined && RHEL_REPO.test(repoText)) {
          report(words[i], `Enabling the subscription repository \`${RHEL_REPO.exec(repoText)?.[2]}\``);
        }
      }
    }
  }
}
