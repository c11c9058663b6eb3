// HPC-MAINT-004: definition files built on things only one machine has (sandboxes, local daemon images, copied shared libraries).
import { defineRule } from '../../engine/rule';
import type { HeaderStep } from '../../recipe/model';
import { headerOf } from '../util/base-image';

const SHARED_LIBRARY = /\.so(?:\.\d+)*$/;

export default defineRule({
  meta: {
    code: 'HPC-MAINT-004',
    name: 'rebuildable-base',
    category: 'maintainability',
    severity: 'info',
    formats: ['apptainer'],
    fix: 'none',
    docs: {
      summary: 'One-off bases and prebuilt binaries: `localimage` sandboxes or `.sif` files, `docker-daemon`/`docker-archive` images, `%files` copying `*.so` libraries.',
      whatItDoes:
        'Reports `Bootstrap: localimage` (a sandbox directory gets a stronger message than a `.sif`/`.simg` file), `Bootstrap: docker-daemon` and `docker-archive`, ' +
        'and `%files` lines that copy shared libraries (`*.so`, `*.so.1.2`) from the host rather than from a build stage (`%files from build`).',
      whyHpc:
        'The Apptainer documentation recommends building production images from a definition file, not from a modified sandbox: a sandbox or a local daemon image ' +
        'exists on one machine only, nobody can see what is in it, and when that machine or directory is gone the image cannot be rebuilt — for a security ' +
        'update, a new architecture or a new site. Libraries copied from the build host were compiled against that host\'s glibc and drivers; inside the image they fail ' +
        'with `GLIBC_2.xx not found` or `undefined symbol` as soon as the base changes, and their origin is undocumented.',
      howToFix:
        'Write the base as a definition file (or use a registry image) and keep it next to this one; for `localimage`, point at a `.sif` that is itself built from a ' +
        'versioned definition file, and say so in `%labels`. Build libraries in a build stage (`Stage: build` … `%files from build`) or install them from packages.',
      bad: [
        { format: 'apptainer', code: 'Bootstrap: localimage\nFrom: /scratch/me/sandbox/\n\n%post\n    make install\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%files\n    /usr/local/lib/libsolver.so /usr/local/lib/\n' },
      ],
      good: [
        {
          format: 'apptainer',
          code:
            'Bootstrap: docker\nFrom: ubuntu:24.04\nStage: build\n\n%post\n    make -C /src install PREFIX=/opt/solver\n\n' +
            'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%files from build\n    /opt/solver/lib/libsolver.so /opt/solver/lib/\n',
        },
      ],
      exceptions:
        'A `localimage` `.sif` built from another definition file in the same repository is a legitimate layered build; the finding is information — keep a pointer to ' +
        'that definition file. Licensed or vendor binaries that exist only as `.so` files may have to be copied: document where they come from. Dockerfiles are not checked.',
      references: [
        'https://apptainer.org/docs/user/main/build_a_container.html#creating-writable-sandbox-directories',
        'https://apptainer.org/docs/user/main/definition_files.html#files',
        'https://apptainer.org/docs/user/main/appendix.html#build-modules',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      const agent = stage.base.agent;
      const from = headerOf(stage, 'from');
      const bootstrap = headerOf(stage, 'bootstrap');
      if (agent === 'localimage' && from) {
        const path = from.value.value.trim();
        // Template values (`{{ FROMSIF }}`) may be either: the milder message.
        const file = /\.(sif|simg|img)$/i.test(path) || path.includes('{{');
        context.report({
          range: from.value.range,
          message: file
            ? `\`Bootstrap: localimage\` builds on \`${path}\`, which exists only where this build runs: keep the definition file it was built from next to this one (and name it in \`%labels\`) so both can be rebuilt.`
            : `\`Bootstrap: localimage\` builds on the sandbox \`${path}\`: a hand-modified sandbox cannot be rebuilt or reviewed — write its changes into a definition file instead.`,
        });
      } else if ((agent === 'docker-daemon' || agent === 'docker-archive') && (bootstrap || from)) {
        const step = (bootstrap ?? from) as HeaderStep;
        context.report({
          range: step.value.range,
          message: `\`Bootstrap: ${agent}\` builds on an image that exists only in this machine's ${agent === 'docker-daemon' ? 'Docker daemon' : 'Docker archive file'}: push it to a registry (or build it from a recipe kept with this file) so the image can be rebuilt elsewhere.`,
        });
      }
      for (const step of stage.steps) {
        if (step.kind !== 'copy' || step.from) {
          continue;
        }
        for (const source of step.sources) {
          if (SHARED_LIBRARY.test(source.value)) {
            context.report({
              range: source.range,
              message: `\`%files\` copies the prebuilt library \`${source.value}\` from the build host: it was compiled against the host's libraries and cannot be rebuilt from this file — build it in a stage (\`%files from build\`) or install it from a package.`,
            });
          }
        }
      }
    }
  },
});
