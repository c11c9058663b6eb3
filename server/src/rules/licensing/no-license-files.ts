// HPC-LIC-002: FlexNet-style licence files copied into or written in the image.
import { defineRule } from '../../engine/rule';
import type { Range } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName } from '../util/commands';
import { baseName, lineIndexOf, offsetOf } from '../util/source';
import docs from './no-license-files.md';

/** Licence-key files (FlexNet/FlexLM and similar); open-source licence texts (LICENSE, COPYING) never match. */
const LICENSE_FILE = /^(.*\.lic|licen[cs]e\.dat|licen[cs]e\.dat\..*|.*\.lic\..*|lservrc|\.flexlmrc)$/i;
/** FlexNet licence lines: `SERVER host hostid [port]`, `FEATURE|INCREMENT name vendor version expiry …`, `USE_SERVER` is harmless. */
const LICENSE_LINE = /^\s*(SERVER\s+\S+\s+\S+|(?:FEATURE|INCREMENT)\s+\S+\s+\S+\s+\S+\s+\S+)/;
const WRITERS = new Set(['echo', 'printf']);

export default defineRule({
  meta: {
    code: 'HPC-LIC-002',
    name: 'no-license-files',
    category: 'licensing',
    severity: 'error',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    // A licence file's name (`.lic`, `license.dat`, `lservrc`, `.flexlmrc`) or a FlexLM line (SERVER, FEATURE, INCREMENT).
    interests: { keywords: ['.lic', 'license.dat', 'licence.dat', 'lservrc', '.flexlmrc', 'server', 'feature', 'increment'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    // Published (or possibly published) it leaks the site's licence: a breach. In a site-internal image it still
    // breaks at every other site and on renewal: a likely failure.
    const severity = context.settings.publish === 'private' ? 'warning' : 'error';
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'copy') {
          continue;
        }
        for (const source of step.sources) {
          const base = baseName(source.value.replace(/[?#].*$/, ''));
          if (LICENSE_FILE.test(base)) {
            context.report({
              range: source.range,
              severity,
              message: `${step.keyword} puts the licence file \`${base}\` into the image; licence files are site-specific and confidential — mount it or set the licence server at run time.`,
            });
          }
        }
      }
    }
    for (const { script } of allScripts(recipe)) {
      for (const command of script.commands) {
        const name = effectiveName(command);
        if (!WRITERS.has(name)) {
          continue;
        }
        const line = command.words.slice(1).find((word) => !word.value.startsWith('-') && LICENSE_LINE.test(word.value));
        if (line) {
          context.report({
            range: line.range,
            severity,
            message: `\`${name}\` writes a FlexNet licence line (\`${line.value.trim().split(/\s+/)[0]} …\`) during the build; licence data is site-specific and confidential — provide it at run time.`,
          });
        }
      }
      for (const heredoc of script.heredocs) {
        const index = lineIndexOf(recipe);
        const bodyStart = offsetOf(recipe, heredoc.range.start);
        const lines = heredoc.body.split('\n');
        let offset = bodyStart;
        for (const text of lines) {
          const match = LICENSE_LINE.exec(text);
          if (match) {
            const lead = text.length - text.trimStart().length;
            const range: Range = index.range(offset + lead, offset + text.replace(/\s+$/, '').length);
            context.report({
              range,
              severity,
              message: `A heredoc writes a FlexNet licence line (\`${text.trim().split(/\s+/)[0]} …\`) during the build; licence data is site-specific and confidential — provide it at run time.`,
            });
            break;
          }
          offset += text.length + 1;
        }
      }
    }
  },
});
