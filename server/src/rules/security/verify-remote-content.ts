// HPC-SEC-003: remote content executed or added without an integrity check.
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName } from '../util/commands';
import { offsetOf, rangeOf } from '../util/source';

const DOWNLOADERS = new Set(['curl', 'wget']);
const INTERPRETERS = /^(sh|bash|dash|zsh|ksh|ash|fish|python[\d.]*|perl|ruby|node|php)$/;
/** `$(curl …)`, `` `wget …` ``, `<(curl …)` inside an interpreter's argument. */
const SUBSTITUTED_DOWNLOAD = /(?:\$\(|`|<\()\s*(?:\S*\/)?(curl|wget)\s/;

export default defineRule({
  meta: {
    code: 'HPC-SEC-003',
    name: 'verify-remote-content',
    category: 'security',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    docs: {
      summary: 'Downloaded scripts piped into a shell and `ADD <url>` without `--checksum` run or ship unverified remote content.',
      whatItDoes:
        'Reports a download piped straight into an interpreter (`curl … | sh`, `wget -qO- … | bash`, `curl … | sudo python3 -`), an interpreter that runs a downloaded ' +
        'script through command or process substitution (`sh -c "$(curl …)"`, `bash <(curl …)`), and `ADD http(s)://…` without `--checksum=`.',
      whyHpc:
        'Whatever the URL serves at build time is executed as root in the build and baked into an image that then runs on every node of a shared cluster; a compromised ' +
        'or silently changed installer is not noticed, and a rebuild months later produces a different image with no error. Site security reviews of user images ' +
        '(and the talk\'s "unverified images" pitfall) start with exactly these lines.',
      howToFix:
        'Download to a file, check it against a published digest, then run it: `curl -fsSLo install.sh URL && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh`. ' +
        'For `ADD`, add `--checksum=sha256:<digest>` (Dockerfile syntax ≥ 1.6). The quick fix for `ADD` inserts `--checksum=sha256:` with a placeholder you must replace ' +
        'with the real digest — the build fails until you do, so it is unsafe.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN curl -fsSL https://get.example.org/install.sh | bash\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    wget -qO- https://get.example.org/install.sh | sh\n' },
      ],
      good: [
        {
          format: 'dockerfile',
          code:
            'FROM ubuntu:24.04\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.org/tool.tar.gz /tmp/\n' +
            'RUN curl -fsSLo /tmp/install.sh https://get.example.org/install.sh && sha256sum -c /tmp/install.sh.sha256 && sh /tmp/install.sh\n',
        },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    curl -fsSLo install.sh https://get.example.org/install.sh\n    sha256sum -c install.sh.sha256\n    sh install.sh\n' },
      ],
      exceptions:
        'Archives downloaded with `curl`/`wget` and unpacked without a `sha256sum -c`/`gpg --verify` step are not reported: telling a verified download from an unverified one ' +
        'across commands is not precise enough for a warning. Downloads from a site-internal mirror you trust can be silenced with `# hpclint ignore=HPC-SEC-003 -- internal mirror`.',
      references: [
        'https://docs.docker.com/reference/dockerfile/#add---checksum',
        'https://docs.docker.com/reference/build-checks/',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    for (const { script } of allScripts(recipe)) {
      const commands = script.commands;
      for (let i = 0; i < commands.length; i++) {
        const command = commands[i];
        const next = commands[i + 1];
        if (DOWNLOADERS.has(effectiveName(command)) && command.pipesToNext && next && next.separatorBefore === '|') {
          const interpreter = effectiveName(next);
          if (INTERPRETERS.test(interpreter)) {
            context.report({
              range: { start: command.range.start, end: next.range.end },
              message: `Script downloaded with ${effectiveName(command)} is piped into \`${interpreter}\` without any integrity check; download it to a file and verify its checksum first.`,
            });
          }
          continue;
        }
        const interpreter = effectiveName(command);
        if (INTERPRETERS.test(interpreter) || interpreter === 'source' || interpreter === '.' || interpreter === 'eval') {
          const substituted = command.words.find((word) => SUBSTITUTED_DOWNLOAD.test(word.text));
          if (substituted) {
            const tool = SUBSTITUTED_DOWNLOAD.exec(substituted.text)?.[1] ?? 'curl';
            context.report({
              range: command.range,
              message: `\`${interpreter}\` runs a script fetched with ${tool} without any integrity check; download it to a file and verify its checksum first.`,
            });
          }
        }
      }
    }
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'copy' || step.keyword.toUpperCase() !== 'ADD' || step.flags.some((flag) => flag.name === 'checksum')) {
          continue;
        }
        const remote = step.sources.find((source) => /^https?:\/\//i.test(source.value));
        if (!remote) {
          continue;
        }
        const insertAt = rangeOf(recipe, offsetOf(recipe, step.keywordRange.end), offsetOf(recipe, step.keywordRange.end));
        const git = /\.git(#|$)/.test(remote.value);
        const placeholder = git ? 'REPLACE_WITH_COMMIT_SHA' : 'sha256:REPLACE_WITH_SHA256';
        context.report({
          range: remote.range,
          message: git
            ? `\`ADD ${shorten(remote)}\` fetches a Git ref without \`--checksum=<commit>\`; a tag or branch can move between builds.`
            : `\`ADD ${shorten(remote)}\` downloads without \`--checksum\`; the content is not verified and may change between builds.`,
          fixes: [
            {
              title: git ? 'Add `--checksum=` with a placeholder (replace it with the commit SHA)' : 'Add `--checksum=sha256:` with a placeholder (replace it with the real digest)',
              safe: false,
              edits: [{ range: insertAt, newText: ` --checksum=${placeholder}` }],
            },
          ],
        });
      }
    }
  },
});

function shorten(word: Word): string {
  return word.value.length > 60 ? `${word.value.slice(0, 57)}…` : word.value;
}

