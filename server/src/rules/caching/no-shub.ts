// HPC-CACHE-005: Singularity Hub (`Bootstrap: shub`, `shub://`) is a read-only archive.
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import docs from './no-shub.md';

const SHUB_URI = /^shub:\/\//i;

export default defineRule({
  meta: {
    code: 'HPC-CACHE-005',
    name: 'no-shub',
    category: 'caching',
    severity: 'warning',
    formats: ['apptainer'],
    locality: 'command',
    fix: 'none',
    interests: { keywords: ['shub'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'header') {
          continue;
        }
        if (step.key === 'bootstrap' && step.value.value.toLowerCase() === 'shub') {
          context.report({ range: step.value.range, message: '`Bootstrap: shub` builds from Singularity Hub, a read-only archive since April 2021; move the image to an OCI registry (`oras://`, `docker://`) or a local SIF.' });
        } else if (SHUB_URI.test(step.value.value) && stage.base.agent !== 'shub') {
          context.report({ range: step.value.range, message: `\`${step.value.value}\` points to Singularity Hub, a read-only archive since April 2021; move the image to an OCI registry or a local SIF.` });
        }
      }
    }
    for (const { script } of allScripts(recipe)) {
      for (const command of script.commands) {
        const word = command.words.find((candidate: Word) => SHUB_URI.test(candidate.value));
        if (word) {
          context.report({ range: word.range, message: `\`${word.value}\` is pulled from Singularity Hub, a read-only archive since April 2021; mirror the image to a registry you control or ship a local SIF.` });
        }
      }
    }
  },
});
