// HPC-SEC-003: remote content executed or added without an integrity check.
import { defineRule } from '../../engine/rule';
import { insert, unsafeFix } from '../../engine/fixBuilder';
import type { CopyStep, Recipe, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName } from '../util/commands';
import { baseName, offsetOf } from '../util/source';
import docs from './verify-remote-content.md';

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
    // A curl/wget command or substitution, or `ADD http(s)://…`.
    interests: { keywords: [...DOWNLOADERS, 'http'] },
  },
  docs,
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
        const git = /\.git(#|$)/.test(remote.value);
        const placeholder = git ? 'REPLACE_WITH_COMMIT_SHA' : 'sha256:REPLACE_WITH_SHA256';
        const plainHttp = /^http:\/\//i.test(remote.value);
        const used = addedFileUsedLater(recipe, step, remote);
        context.report({
          range: remote.range,
          // Over plain HTTP anyone on the path can swap what is then used: a weakness. Over HTTPS (like `curl -O https://…`,
          // which HPC-SEC-010 leaves alone), from a Git ref, or when nothing uses the file (a cache-buster), it is advice.
          severity: plainHttp && used && !git ? undefined : 'info',
          message: git
            ? `\`ADD ${shorten(remote)}\` fetches a Git ref without \`--checksum=<commit>\`; a tag or branch can move between builds.`
            : plainHttp && used
              ? `\`ADD ${shorten(remote)}\` downloads over plain HTTP without \`--checksum\`; anyone on the path can change what the build then uses, and the content may change between builds.`
              : `\`ADD ${shorten(remote)}\` downloads without \`--checksum\`; the content is not verified and may change between builds${used ? '' : ' (nothing later in the recipe names the file: if it only busts the build cache, ignore this)'}.`,
          fixes: [
            unsafeFix(
              git ? 'Add `--checksum=` with a placeholder (replace it with the commit SHA)' : 'Add `--checksum=sha256:` with a placeholder (replace it with the real digest)',
              insert(step.keywordRange.end, ` --checksum=${placeholder}`),
            ),
          ],
        });
      }
    }
  },
});

/**
 * True when the text after the ADD names the file it wrote (`ADD …/x.tar.gz /tmp/` then `tar xf /tmp/x.tar.gz`), or
 * when the file lands where programs run from (`/usr/local/bin/tool`): then its content matters.
 */
function addedFileUsedLater(recipe: Recipe, step: CopyStep, remote: Word): boolean {
  const destination = step.destination?.value ?? '';
  const urlFile = baseName(remote.value.replace(/[?#].*$/, ''));
  const file = destination === '' || destination.endsWith('/') || destination === '.' ? urlFile : baseName(destination);
  if (/(^|\/)s?bin(\/|$)/.test(destination) || step.flags.some((flag) => flag.name === 'chmod')) {
    return true;
  }
  const after = recipe.text.slice(offsetOf(recipe, step.range.end));
  return file !== '' && after.includes(file);
}

function shorten(word: Word): string {
  return word.value.length > 60 ? `${word.value.slice(0, 57)}…` : word.value;
}

