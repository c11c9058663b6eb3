// HPC-PORT-006: kernel modules, kernel headers of one kernel and `uname -r` in image builds.
import { own } from '../../engine/own';
import { defineRule, type Finding, type Severity } from '../../engine/rule';
import { insert, safeFix } from '../../engine/fixBuilder';
import type { Range, ShellCommand, Word } from '../../recipe/model';
import { allScripts, hasFlag } from '../../recipe/query';
import { effectiveWords } from '../util/commands';
import { installedPackages } from '../util/installed-packages';
import { baseName, offsetOf, rangeOf, withShellCScripts } from '../util/source';
import docs from './no-kernel-coupled-components.md';

const MODULE_TOOLS: Record<string, string> = {
  dkms: '`dkms` builds and installs kernel modules',
  modprobe: '`modprobe` loads kernel modules',
  insmod: '`insmod` loads a kernel module',
  rmmod: '`rmmod` unloads a kernel module',
  depmod: '`depmod` indexes kernel modules',
};

interface KernelPackage {
  pattern: RegExp;
  what: string;
  /** Defaults to the rule's warning. */
  severity?: Severity;
}

const KERNEL_PACKAGES: readonly KernelPackage[] = [
  // The tool alone builds nothing: dead weight (compilers, headers), not a failure. Module packages built with it are warnings.
  { pattern: /^dkms$/, what: 'DKMS, which builds kernel modules for the kernels installed in the image (on its own it builds nothing: drop it)', severity: 'info' },
  { pattern: /^(?!nvidia|amdgpu).+-dkms$/, what: 'a DKMS kernel-module package' },
  { pattern: /^linux-headers-.+$/, what: 'the build headers of one particular kernel' },
  { pattern: /^linux-(image|modules)-.+$/, what: 'a kernel image or its modules' },
  { pattern: /^kernel-devel(-.*)?$/, what: 'the build headers of one particular kernel' },
  { pattern: /^kmod-(?!nvidia).+$/, what: 'a prebuilt kernel module for one kernel' },
  { pattern: /^mlnx-ofa_kernel-(modules|source)$/, what: 'MLNX_OFED kernel modules' },
  { pattern: /^doca-(all|networking|ofed)$/, what: 'a DOCA-Host profile, which brings the DOCA-OFED kernel drivers (built with DKMS) with the user-space libraries' },
  { pattern: /^mlnx-ofed-(all|hpc|basic)$/, what: 'an MLNX_OFED meta-package that pulls in the OFED kernel modules (`mlnx-ofed-kernel-dkms` or `kmod-mlnx-ofa_kernel`)' },
];

/** Words that point a build at the kernel build tree. */
const KERNEL_TREE = /(^|[=/])(lib\/modules\/|usr\/src\/kernels\/|usr\/src\/linux-headers)/;
const KERNEL_TREE_FLAG = /^(--with-linux[\w-]*|--with-kernel[\w-]*|KERNELDIR|KERNEL_DIR|KDIR|KSRC|KERNEL_SRC)=.*\//;
const BUILD_TOOLS = new Set(['make', 'gmake', 'configure', 'cmake']);

const HOST_KERNEL = 'the kernel is the host\'s, not the image\'s, so anything built or loaded for a kernel at image-build time does not match the nodes';

export default defineRule({
  meta: {
    code: 'HPC-PORT-006',
    name: 'no-kernel-coupled-components',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'safe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const reported: Range[] = [];
    const report = (finding: Finding): void => {
      reported.push(finding.range);
      context.report(finding);
    };
    for (const { script } of allScripts(recipe)) {
      const substitutions: ShellCommand[] = [];
      for (const command of withShellCScripts(recipe, script.commands)) {
        const words = effectiveWords(command);
        if (words.length === 0) {
          continue;
        }
        const program = baseName(words[0].value);
        if (program === 'uname') {
          if (command.depth > 0 && hasFlag(command, '-r', '--kernel-release')) {
            substitutions.push(command);
          }
          continue;
        }
        const tool = own(MODULE_TOOLS, program);
        if (tool) {
          report({ range: words[0].range, message: `${tool}; ${HOST_KERNEL}. Containers cannot load kernel modules — the site provides them on the host.` });
          continue;
        }
        if (program === 'mlnxofedinstall') {
          checkOfedInstaller(command, words[0], report);
          continue;
        }
        for (const installed of installedPackages(command)) {
          if (installed.manager === 'apk' || installed.manager === 'conda') {
            continue;
          }
          const kernel = KERNEL_PACKAGES.find((candidate) => candidate.pattern.test(installed.name));
          if (kernel) {
            report({ range: installed.word.range, severity: kernel.severity, message: `\`${installed.word.value}\` installs ${kernel.what}; ${HOST_KERNEL}. Install only user-space libraries.` });
          }
        }
        const buildTool = BUILD_TOOLS.has(program);
        for (const word of words.slice(1)) {
          if (KERNEL_TREE_FLAG.test(word.value) || (buildTool && KERNEL_TREE.test(word.value))) {
            report({ range: word.range, message: `\`${shorten(word.value)}\` builds against a kernel build tree; ${HOST_KERNEL}. Build only the user-space part.` });
          }
        }
      }
      for (const uname of substitutions) {
        const start = offsetOf(recipe, uname.range.start);
        const inside = reported.some((range) => contains(range, uname.range));
        if (!inside) {
          report({
            range: rangeOf(recipe, start, offsetOf(recipe, uname.range.end)),
            message: `\`uname -r\` returns the kernel of the machine running the build, not of the nodes that will run the image; ${HOST_KERNEL}.`,
          });
        }
      }
    }
  },
});

function checkOfedInstaller(command: ShellCommand, program: Word, report: (finding: Finding) => void): void {
  if (hasFlag(command, '--user-space-only')) {
    return;
  }
  const missing = hasFlag(command, '--without-fw-update') ? ' --user-space-only' : ' --user-space-only --without-fw-update';
  report({
    range: program.range,
    message: `\`mlnxofedinstall\` without \`--user-space-only\` builds and installs MLNX_OFED kernel modules (and may try a firmware update); ${HOST_KERNEL}. Add \`${missing.trim()}\`.`,
    fixes: [safeFix(`Add \`${missing.trim()}\``, insert(program.range.end, missing))],
  });
}

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Range['start'], b: Range['start']): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

function shorten(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}
