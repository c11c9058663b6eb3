// HPC-MAINT-003: definition-file bases without a tag (or with `:latest`) — the DEF analogue of hadolint DL3006/DL3007.
import { defineRule } from '../../engine/rule';
import { rangeInWord } from '../util/source';

/** Agents whose `From:` is a registry reference with Docker-style tags. */
const TAGGED_AGENTS = new Set(['docker', 'library', 'oras']);

export default defineRule({
  meta: {
    code: 'HPC-MAINT-003',
    name: 'tag-definition-base',
    category: 'maintainability',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'none',
    docs: {
      summary: 'Definition-file `From:` images need an explicit version tag: no tag means `latest`.',
      whatItDoes:
        'Reports `From:` references of `docker`, `library` and `oras` bootstraps that have no tag and no digest (`From: ubuntu`, which pulls `ubuntu:latest`) or ' +
        'use the `latest` tag explicitly. References built from `{{ template }}` variables are checked after substitution only when the default is literal text in the reference.',
      whyHpc:
        '`latest` moves: the same definition file builds a different operating system or toolchain each time — an image built last year with `ubuntu` was 22.04, today it is 24.04 ' +
        'with a different glibc, compiler and package names, so `%post` fails (`E: Unable to locate package`) or the program behaves differently. On HPC systems ' +
        'images are typically rebuilt on a new cluster long after they were written, which is exactly when this bites.',
      howToFix:
        'Name the release: `From: ubuntu:24.04`, `From: rockylinux/rockylinux:9.5`, optionally with a digest for a fully reproducible build ' +
        '(`ubuntu:24.04@sha256:…`). No automatic fix: choosing the tag needs registry access (hpclint works offline) and a decision.',
      bad: [
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu\n\n%post\n    apt-get update\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: continuumio/miniconda3:latest\n' },
      ],
      good: [{ format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    apt-get update\n' }],
      exceptions:
        'Dockerfiles are not checked (hadolint DL3006/DL3007 and Docker\'s build checks cover `FROM`). Unpinned package versions in `%post` ' +
        '(`apt-get install gcc` without `=version`) are deliberately not reported: pinning distribution packages breaks builds as soon as the archive drops the old version, ' +
        'and the base tag already fixes the release. `docker-daemon`/`docker-archive` local images are HPC-MAINT-004.',
      references: [
        'https://apptainer.org/docs/user/main/definition_files.html#header',
        'https://github.com/hadolint/hadolint/wiki/DL3006',
        'https://github.com/hadolint/hadolint/wiki/DL3007',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      const image = stage.base.image;
      if (!image || !TAGGED_AGENTS.has(stage.base.agent) || /\{\{|\$/.test(image.raw) || image.digest) {
        continue;
      }
      const from = stage.steps.find((step) => step.kind === 'header' && step.key === 'from');
      const word = from?.kind === 'header' ? from.value : undefined;
      if (image.tag === undefined) {
        context.report({
          range: image.range,
          message: `\`From: ${image.raw.trim()}\` has no tag, so it pulls \`latest\` — a different release on every rebuild; name a version (\`${image.raw.trim()}:<version>\`).`,
        });
      } else if (image.tag === 'latest') {
        const offset = word ? word.text.lastIndexOf(':latest') : -1;
        context.report({
          range: word && offset >= 0 ? rangeInWord(recipe, word, offset + 1, offset + ':latest'.length) : image.range,
          message: `\`From: ${image.raw.trim()}\` uses \`latest\`, which moves to a new release without notice; name a version tag.`,
        });
      }
    }
  },
});
