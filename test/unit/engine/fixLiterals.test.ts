// Rules build their fixes with engine/fixBuilder.ts (what changes, and how safe that is), not TextEdit literals. The
// folders converted so far stay converted; the others follow.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const rules = join(__dirname, '..', '..', '..', 'server', 'src', 'rules');
const CONVERTED = ['def', 'security', 'networking', 'usability'];

test('converted rule folders build fixes with the fix builder, not `{ range, newText }` literals', () => {
  const literals = CONVERTED.flatMap((folder) =>
    readdirSync(join(rules, folder))
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => /\bnewText\b|\bsafe: (true|false)\b/.test(readFileSync(join(rules, folder, file), 'utf8')))
      .map((file) => `${folder}/${file}`),
  );
  assert.deepEqual(literals, [], 'use safeFix/unsafeFix with replace/remove/insert/insertLinesAfter/addLabel (engine/fixBuilder.ts)');
});
