// HPC-BUILD-002: instructions that do not carry over between Docker and Apptainer (running a Docker image with Apptainer, spython conversion either way).
import { own } from '../../engine/own';
import { defineRule, type Severity } from '../../engine/rule';
import type { Recipe, Stage, Step, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { recipeMentions } from '../util/recipe-index';
import { finalStageChain, isShipped } from '../util/source';
import docs from './transcoding-losses.md';

/** Mentions that show the recipe is meant for HPC container runtimes (then losses are info, otherwise hints). */
const HPC_RUNTIME = /\b(?:apptainer|singularity|spython|sarus|shifter|charliecloud|enroot|podman-hpc)\b/i;
const SPYTHON = /\bspython\b/i;
/** Mentions that show a definition file is also turned into (or kept next to) a Dockerfile. */
const TO_DOCKER = /\b(?:spython|dockerfile|containerfile)\b/i;
const TO_DOCKER_WORDS = ['spython', 'dockerfile', 'containerfile'];
/** Lowercase words of HPC_RUNTIME: the recipe index rules out most recipes without walking every word. */
const HPC_RUNTIME_WORDS = ['apptainer', 'singularity', 'spython', 'sarus', 'shifter', 'charliecloud', 'enroot', 'podman-hpc'];
const SPYTHON_WORDS = ['spython'];
const GLOB = /[*?[]/;
/** BuildKit's automatic platform ARGs: declared without default on purpose. */
const PLATFORM_ARGS = /^(?:TARGET|BUILD)(?:PLATFORM|OS|ARCH|VARIANT)$/;
const ROOT_USERS = new Set(['root', '0', '0:0', 'root:root']);
/** Definition-file sections without a Dockerfile equivalent. */
const DEF_ONLY_SECTIONS: Record<string, string> = {
  setup: 'it runs on the build host, and a Dockerfile has no host-side step',
  startscript: 'it defines what an instance starts, and Docker has no instances, only ENTRYPOINT/CMD',
  test: 'it runs at the end of the build, while Docker\'s HEALTHCHECK runs periodically in a running container',
};

function mentions(recipe: Recipe, pattern: RegExp): boolean {
  if (recipe.comments.some((comment) => pattern.test(comment.text))) {
    return true;
  }
  const matches = (word: Word): boolean => pattern.test(word.value);
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind === 'label' && step.pairs.some((pair) => matches(pair.key) || (pair.value !== undefined && matches(pair.value)))) {
        return true;
      }
    }
  }
  return allScripts(recipe).some(({ script }) => script.commands.some((command) => command.words.some(matches)));
}

/** Relative program or file arguments in ENTRYPOINT/CMD (`./run.sh`, `python app.py`) that depend on the working directory. */
function usesRelativePaths(stages: readonly Stage[]): boolean {
  return stages.some((stage) =>
    stage.steps.some(
      (step) =>
        step.kind === 'entrypoint' &&
        step.script.commands.some((command) =>
          command.words.some((word) => /^\.\.?\//.test(word.value) || /^[\w-][\w./-]*\.(?:py|sh|jar|R|pl|js|rb|jl|m)$/.test(word.value)),
        ),
    ),
  );
}

interface Loss {
  range: Step['range'];
  message: string;
  /** Losses that change how the image behaves at run time under Apptainer (not just in a conversion). */
  runtime: boolean;
  /** Harmless losses stay hints even for HPC recipes. */
  harmless?: boolean;
}

function dockerfileLosses(recipe: Recipe): Loss[] {
  const losses: Loss[] = [];
  const shipped = finalStageChain(recipe);
  const globalDefaults = new Set(recipe.globalArgs.flatMap((step) => step.pairs.filter((pair) => pair.value).map((pair) => pair.key.value)));
  for (const stage of recipe.stages) {
    const final = isShipped(recipe, stage);
    for (const step of stage.steps) {
      const keyword = step.keyword.toUpperCase();
      if (keyword === 'VOLUME' && final) {
        losses.push({ range: step.keywordRange, runtime: true, message: 'Apptainer creates no volumes: the VOLUME path stays part of the read-only image, so writes there fail unless a directory is bound to it (`--bind /scratch/me/out:/data`).' });
      } else if (keyword === 'STOPSIGNAL' && final) {
        losses.push({ range: step.keywordRange, runtime: true, harmless: true, message: 'Apptainer ignores STOPSIGNAL: processes get the signal sent by the scheduler or `apptainer instance stop` (SIGTERM by default).' });
      } else if (step.kind === 'expose' && final) {
        losses.push({ range: step.keywordRange, runtime: true, harmless: true, message: 'Apptainer ignores EXPOSE: containers share the host network, and nothing publishes or maps ports.' });
      } else if (keyword === 'SHELL') {
        losses.push({ range: step.keywordRange, runtime: false, message: 'SHELL is not converted by spython: the RUN commands end up in `%post`, which runs with /bin/sh unless you write `%post -c /bin/bash -e` (the `-e` keeps a failing command stopping the build).' });
      } else if (keyword === 'ONBUILD') {
        losses.push({ range: step.keywordRange, runtime: false, message: 'ONBUILD triggers have no definition-file equivalent: images built from this one with Apptainer never run them.' });
      } else if (step.kind === 'arg') {
        for (const pair of step.pairs) {
          const name = pair.key.value;
          if (name.startsWith('#')) {
            break; // an inline "comment" (Docker has none): the rest are not real ARGs
          }
          if (!pair.value && !globalDefaults.has(name) && /^[A-Za-z_]\w*$/.test(name) && !PLATFORM_ARGS.test(name)) {
            losses.push({ range: pair.key.range, runtime: false, message: `\`ARG ${pair.key.value}\` has no default: spython skips it when converting to a definition file, so \`$${pair.key.value}\` is empty in \`%post\`. Give it a default or use \`%arguments\`.` });
          }
        }
      } else if (step.kind === 'copy' && /^(COPY|ADD)$/.test(keyword)) {
        for (const flag of step.flags) {
          if (flag.name === 'chown' || flag.name === 'chmod') {
            losses.push({ range: flag.range, runtime: false, message: `\`--${flag.name}\` is dropped by spython (\`%files\` has no ownership or mode options), and under Apptainer files are used as the calling user anyway: set permissions with \`chmod\` in the build script.` });
          }
        }
        for (const source of step.from ? [] : step.sources) {
          if (GLOB.test(source.value)) {
            losses.push({ range: source.range, runtime: false, message: `spython does not expand the wildcard in \`${source.value}\` when converting to \`%files\`: list the files or copy their directory.` });
          }
        }
      } else if (step.kind === 'run' && step.script.heredocs.length > 0 && keyword === 'RUN') {
        losses.push({ range: step.keywordRange, runtime: false, message: 'spython does not convert heredoc RUN instructions (`RUN <<EOF`): the script is lost in a definition file. Write it as `RUN a && b` or put it in a file.' });
      }
    }
  }
  const final = shipped[0];
  if (final) {
    const users = shipped.flatMap((stage) => stage.steps.filter((step) => step.kind === 'user'));
    const lastUser = users[users.length - 1];
    if (lastUser?.kind === 'user' && lastUser.value && !ROOT_USERS.has(lastUser.value.value.trim())) {
      losses.push({
        range: lastUser.value.range,
        runtime: true,
        message: `Apptainer ignores USER: the container runs as whoever starts it, not as \`${lastUser.value.value}\`, so files, permissions and a home directory prepared for that user do not apply. Install software world-readable outside /home.`,
      });
    }
    const workdirs = shipped.flatMap((stage) => stage.steps.filter((step) => step.kind === 'workdir'));
    const lastWorkdir = workdirs[workdirs.length - 1];
    if (lastWorkdir?.kind === 'workdir' && lastWorkdir.value && usesRelativePaths(shipped)) {
      losses.push({
        range: lastWorkdir.value.range,
        runtime: true,
        message: `Apptainer starts in the caller's current directory, not in WORKDIR \`${lastWorkdir.value.value}\`: the relative paths in ENTRYPOINT/CMD then point elsewhere. Use absolute paths (or \`cd\` in an entrypoint script).`,
      });
    }
  }
  return losses;
}

function definitionLosses(recipe: Recipe): Loss[] {
  const losses: Loss[] = [];
  for (const stage of recipe.stages) {
    const apps = new Set<string>();
    for (const section of stage.sections) {
      const reason = own(DEF_ONLY_SECTIONS, section.name);
      if (reason) {
        losses.push({ range: section.header.range, runtime: false, message: `\`${section.header.value}\` has no Dockerfile equivalent — ${reason} — so it is lost when this recipe is converted to a Dockerfile.` });
      } else if (section.name.startsWith('app')) {
        const app = section.args[0]?.value ?? '';
        if (apps.has(app)) {
          continue; // one finding per SCIF app, on its first section
        }
        apps.add(app);
        losses.push({ range: section.header.range, runtime: false, message: `SCIF apps (\`${section.header.value} ${app}\`) have no Dockerfile equivalent: a converted Dockerfile loses the app \`${app}\`, its sections and its \`--app\` entry point.` });
      }
    }
  }
  return losses;
}

export default defineRule({
  meta: {
    code: 'HPC-BUILD-002',
    name: 'transcoding-losses',
    category: 'build',
    severity: 'hint',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    if (recipe.format !== 'dockerfile') {
      // `%test` and apps are good practice in a definition file: they are losses only for one that is converted.
      if (!recipeMentions(recipe, TO_DOCKER_WORDS) || !mentions(recipe, TO_DOCKER)) {
        return;
      }
      for (const loss of definitionLosses(recipe)) {
        context.report({ range: loss.range, message: loss.message });
      }
      return;
    }
    // Running the image under an HPC runtime makes runtime losses matter; spython conversion makes conversion losses matter.
    const runsUnderHpcRuntime = recipeMentions(recipe, HPC_RUNTIME_WORDS) && mentions(recipe, HPC_RUNTIME);
    // SPYTHON is part of HPC_RUNTIME, so only recipes that mention an HPC runtime can mention spython.
    const convertedWithSpython = runsUnderHpcRuntime && recipeMentions(recipe, SPYTHON_WORDS) && mentions(recipe, SPYTHON);
    for (const loss of dockerfileLosses(recipe)) {
      const relevant = loss.runtime ? runsUnderHpcRuntime : convertedWithSpython;
      const severity: Severity = relevant && !loss.harmless ? 'info' : 'hint';
      context.report({ range: loss.range, message: loss.message, severity });
    }
  },
});
