// HPC-CACHE-005: Singularity Hub (`Bootstrap: shub`, `shub://`) is a read-only archive.
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';

const SHUB_URI = /^shub:\/\//i;

export default defineRule({
  meta: {
    code: 'HPC-CACHE-005',
    name: 'no-shub',
    category: 'caching',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'none',
    docs: {
      summary: 'Singularity Hub (`Bootstrap: shub`, `shub://`) is a frozen archive; build from an OCI registry or a library instead.',
      whatItDoes: 'Reports `Bootstrap: shub` headers and `shub://` URIs in `From:` and in any script section (for example `singularity run shub://…` in `%runscript`).',
      whyHpc:
        'Singularity Hub stopped building containers and became a read-only archive on 2021-04-26; many collections were never migrated and pulls are served from a ' +
        'static mirror with strict limits. A recipe that bootstraps from `shub://` cannot be rebuilt reliably, and one that pulls `shub://` at run time fails on compute ' +
        'nodes without internet access and hammers the archive from every rank.',
      howToFix:
        'Rebuild or copy the image into a maintained registry you control (`oras://ghcr.io/org/image:tag`, `docker://…`, or a local SIF path) and bootstrap from there: ' +
        '`Bootstrap: oras` / `Bootstrap: docker` / `Bootstrap: localimage`. No automatic fix: the new location is yours to choose.',
      bad: [
        { format: 'apptainer', code: 'Bootstrap: shub\nFrom: vsoch/hello-world\n\n%runscript\n    exec hello "$@"\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:22.04\n\n%runscript\n    exec singularity run shub://vsoch/hello-world "$@"\n' },
      ],
      good: [
        { format: 'apptainer', code: 'Bootstrap: oras\nFrom: ghcr.io/myorg/hello-world:1.0\n\n%runscript\n    exec hello "$@"\n' },
      ],
      exceptions: 'None known: even archived images should be mirrored before they disappear.',
      references: [
        'https://singularityhub.github.io/singularityhub-docs/',
        'https://apptainer.org/docs/user/main/definition_files.html',
      ],
    },
  },
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
