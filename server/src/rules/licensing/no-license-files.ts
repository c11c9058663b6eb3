// HPC-LIC-002: FlexNet-style licence files copied into or written in the image.
import { defineRule } from '../../engine/rule';
import type { Range } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName } from '../util/commands';
import { baseName, lineIndexOf, offsetOf } from '../util/source';

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
    fix: 'none',
    docs: {
      summary: 'FlexNet-style licence files (`*.lic`, `license.dat`, `SERVER`/`FEATURE` lines) must not be baked into images.',
      whatItDoes:
        'Reports `COPY`/`ADD`/`%files` of licence-key files (`*.lic` such as `network.lic`, `license.dat`/`licence.dat`, `lservrc`, `.flexlmrc`) and FlexNet licence ' +
        'lines (`SERVER <host> <hostid>`, `FEATURE`/`INCREMENT <name> <vendor> <version> <expiry>`) written during the build with `echo`/`printf` or a heredoc.',
      whyHpc:
        'FlexNet licence files are tied to a licence server\'s host ID and to one site\'s contract, and are usually confidential. Baked into an image they leak the site\'s ' +
        'licence to everyone who can pull it, and the image breaks anyway at any other site or after the licence is renewed (`FlexNet Licensing error:-9` / `-15`).',
      howToFix:
        'Keep the licence outside the image and point the application at it at run time: bind-mount the file (`apptainer exec --bind /opt/licenses/app.lic:/licenses/app.lic`) ' +
        'or set `LM_LICENSE_FILE=port@licserver` (or the vendor variable) in the job script. No automatic fix.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nCOPY network.lic /opt/matlab/licenses/network.lic\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    echo "SERVER licsrv01 0050569A1B2C 27000" > /opt/app/license.dat\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nCOPY LICENSE COPYING /usr/share/doc/app/\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%files\n    LICENSE.txt /usr/share/doc/app/LICENSE.txt\n' },
      ],
      exceptions:
        'Open-source licence texts (`LICENSE`, `LICENSE.txt`, `COPYING`, a `licenses/` directory of texts such as Red Hat certified images require) are fine and not reported; ' +
        'whole directories are not inspected, so a `licenses/` directory holding FlexNet files is missed. A `USE_SERVER` line alone is not reported.',
      references: [
        'https://github.com/mathworks-ref-arch/matlab-dockerfile',
        'https://apptainer.org/docs/user/main/bind_paths_and_mounts.html',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
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
