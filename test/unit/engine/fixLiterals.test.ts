// Rules and their shared helpers build fixes with engine/fixBuilder.ts (what changes, and how safe that is), never
// with `{ range, newText }` or `{ title, safe, edits }` literals.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const rules = join(__dirname, '..', '..', '..', 'server', 'src', 'rules');

test('rules build fixes with the fix builder, not `{ range, newText }` literals', () => {
  const folders = readdirSync(rules, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  assert.ok(folders.length > 10 && folders.includes('util'));
  const literals = folders.flatMap((folder) =>
    readdirSync(join(rules, folder))
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /\bnewText\b|\bsafe: (true|false)\b/.test(readFileSync(join(rules, folder, file), 'utf8')))
      .map((file) => `${folder}/${file}`),
  );
  assert.deepEqual(literals, [], 'use safeFix/unsafeFix with replace/remove/insert/insertLinesAfter/addLabel (engine/fixBuilder.ts)');
});
