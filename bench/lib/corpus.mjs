// The recipe corpus (../shared/corpus) and the two 4,000-line recipes built from it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function listFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      found.push(...listFiles(path));
    } else {
      found.push(path);
    }
  }
  return found;
}

/** Every corpus recipe: { path, format, text }. */
export function corpusRecipes(corpusDir) {
  if (!existsSync(corpusDir)) {
    throw new Error(`corpus not found at ${corpusDir} (use --corpus DIR or HPCLINT_CORPUS)`);
  }
  const recipes = [];
  for (const [folder, format] of [
    ['dockerfile', 'dockerfile'],
    ['singularity', 'apptainer'],
  ]) {
    const dir = join(corpusDir, folder);
    if (existsSync(dir)) {
      for (const path of listFiles(dir)) {
        recipes.push({ path, format, text: readFileSync(path, 'utf8') });
      }
    }
  }
  return recipes;
}

/**
 * A one-stage Dockerfile of `lines` lines: the RUN and ENV instructions of corpus Dockerfiles, whole
 * (with their continuation lines), skipping files with parser directives or heredocs.
 */
export function bigDockerfile(recipes, lines = 4000) {
  const out = ['FROM ubuntu:22.04', ''];
  for (const recipe of recipes.filter((r) => r.format === 'dockerfile')) {
    const source = recipe.text.replace(/\r\n/g, '\n').split('\n');
    if (source.some((line) => /^\s*#\s*(escape|syntax)\s*=/i.test(line) || /<<-?['"]?[A-Za-z]/.test(line))) {
      continue;
    }
    for (let i = 0; i < source.length && out.length < lines; i++) {
      if (!/^(RUN|ENV)\s/i.test(source[i])) {
        continue;
      }
      const block = [source[i]];
      while (/\\\s*$/.test(block[block.length - 1]) && i + 1 < source.length) {
        block.push(source[++i]);
      }
      if (!/\\\s*$/.test(block[block.length - 1])) {
        out.push(...block);
      }
    }
    if (out.length >= lines) {
      break;
    }
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** A definition file of `lines` lines: one `%post` made of corpus `%post` bodies (no templates, balanced heredocs). */
export function bigDefinition(recipes, lines = 4000) {
  const head = ['Bootstrap: docker', 'From: ubuntu:22.04', '', '%post'];
  const tail = ['', '%environment', '    export PATH=/opt/app/bin:$PATH', '', '%runscript', '    exec /opt/app/bin/run "$@"'];
  const body = [];
  for (const recipe of recipes.filter((r) => r.format === 'apptainer')) {
    const source = recipe.text.replace(/\r\n/g, '\n').split('\n');
    const heredocs = [...recipe.text.matchAll(/<<(-?)\s*['"]?(\w+)['"]?/g)];
    if (heredocs.some(([, dash, word]) => !source.some((line) => (dash ? line.replace(/^\t+/, '') : line) === word))) {
      continue;
    }
    let section;
    for (const line of source) {
      const header = /^%(\w+)/.exec(line);
      if (header) {
        section = header[1].toLowerCase();
      } else if (/^\s*bootstrap\s*:/i.test(line)) {
        section = undefined;
      } else if (section === 'post' && !line.includes('{{')) {
        body.push(line);
      }
    }
    if (head.length + body.length + tail.length >= lines) {
      break;
    }
  }
  return [...head, ...body.slice(0, lines - head.length - tail.length), ...tail].join('\n') + '\n';
}
