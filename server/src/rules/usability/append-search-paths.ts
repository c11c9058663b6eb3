// HPC-USE-006: search paths that clobber instead of append; Python images without PYTHONNOUSERSITE.
import { defineRule, type Fix } from '../../engine/rule';
import { insert, unsafeFix } from '../../engine/fixBuilder';
import { normalizeRef } from '../../knowledge/registries';
import type { KeyValue, Recipe, Stage, Word } from '../../recipe/model';
import { pipCommands } from '../../recipe/query';
import { expandedBase } from '../util/base-image';
import { finalStageChain, lineIndexOf, offsetOf } from '../util/source';
import docs from './append-search-paths.md';

const SEARCH_PATHS = new Set(['PATH', 'LD_LIBRARY_PATH', 'PYTHONPATH']);
/** A PATH that spells out the system directories is complete, not clobbered. */
const SYSTEM_BIN = /(^|:)\/(usr\/)?bin\/?(:|$)/;

function selfReference(name: string): RegExp {
  return new RegExp(`\\$(\\{${name}([:}+\\-=?]|$)|${name}(?![A-Za-z0-9_]))`);
}

function appendFix(recipe: Recipe, pair: KeyValue): Fix | undefined {
  const value = pair.value as Word;
  const name = pair.key.value;
  const text = value.text;
  if (text.includes("'") || text.length === 0) {
    return undefined; // single quotes would keep `$NAME` literal
  }
  const suffix = name === 'PATH' ? ':$PATH' : `\${${name}:+:$${name}}`;
  const end = offsetOf(recipe, value.range.end) - (/^"[^"]*"$/s.test(text) ? 1 : 0);
  return unsafeFix(`Append the inherited value: \`${name}=…${suffix}\``, insert(lineIndexOf(recipe).positionAt(end), suffix));
}

/** The final image is clearly a Python application: an official `python` base image. */
function isPythonImage(recipe: Recipe, chain: readonly Stage[]): boolean {
  const root = chain[chain.length - 1];
  const reference = root ? expandedBase(recipe, root) : undefined;
  if (!reference || root.base.image === undefined) {
    return false;
  }
  const { registry, repository } = normalizeRef(reference);
  return registry === 'docker.io' && repository === 'library/python';
}

function setsNoUserSite(chain: readonly Stage[]): boolean {
  return chain.some((stage) => stage.steps.some((step) => step.kind === 'env' && step.pairs.some((pair) => pair.key.value === 'PYTHONNOUSERSITE')));
}

function noUserSiteFix(recipe: Recipe, stage: Stage): Fix | undefined {
  if (pipCommands(recipe).some((command) => command.words.some((word) => word.value === '--user'))) {
    return undefined; // the recipe relies on the user site
  }
  if (recipe.format === 'dockerfile') {
    const from = stage.steps.find((step) => step.kind === 'from');
    if (!from) {
      return undefined;
    }
    return unsafeFix('Add `ENV PYTHONNOUSERSITE=1`', insert(from.range.end, '\nENV PYTHONNOUSERSITE=1'));
  }
  const environment = stage.sections.find((section) => section.name === 'environment');
  if (environment) {
    return unsafeFix('Export `PYTHONNOUSERSITE=1` in `%environment`', insert(environment.header.range.end, '\n    export PYTHONNOUSERSITE=1'));
  }
  const lead = recipe.text.endsWith('\n') ? '\n' : '\n\n';
  return unsafeFix('Add `%environment` with `export PYTHONNOUSERSITE=1`', insert(lineIndexOf(recipe).positionAt(recipe.text.length), `${lead}%environment\n    export PYTHONNOUSERSITE=1\n`));
}

export default defineRule({
  meta: {
    code: 'HPC-USE-006',
    name: 'append-search-paths',
    category: 'usability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const chain = finalStageChain(recipe);
    for (const stage of chain) {
      for (const step of stage.steps) {
        if (step.kind !== 'env') {
          continue;
        }
        for (const pair of step.pairs) {
          const name = pair.key.value;
          if (!SEARCH_PATHS.has(name) || pair.value === undefined || pair.value.value === '' || selfReference(name).test(pair.value.value)) {
            continue;
          }
          if (name === 'PATH' && SYSTEM_BIN.test(pair.value.value)) {
            continue;
          }
          const fix = appendFix(recipe, pair);
          context.report({
            range: pair.range,
            message: `\`${name}=${pair.value.value}\` replaces the inherited ${name} (from the base image${recipe.format === 'apptainer' ? ' or the host' : ''}) instead of appending to it; use \`${name}=${pair.value.value}${name === 'PATH' ? ':$PATH' : `\${${name}:+:$${name}}`}\`.`,
            fixes: fix ? [fix] : undefined,
          });
        }
      }
    }
    const final = chain[0];
    if (final && isPythonImage(recipe, chain) && !setsNoUserSite(chain)) {
      const fix = noUserSiteFix(recipe, final);
      context.report({
        range: chain[chain.length - 1].base.range,
        message: 'Python image without `PYTHONNOUSERSITE=1`: under Apptainer `$HOME` is mounted and packages in the user\'s `~/.local` shadow the image\'s; set `PYTHONNOUSERSITE=1`.',
        fixes: fix ? [fix] : undefined,
      });
    }
  },
});
