// Severities and categories are declared once (engine/rule.ts), the settings keys once (lsp/documents/settings.ts);
// what package.json contributes must say the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CATEGORIES, oneOfText, RULE_CATEGORIES, SEVERITIES, SEVERITY_SETTINGS } from '../../../server/src/engine/rule';
import { EDITOR_FEATURES_MODES, KNOWN_SETTINGS } from '../../../server/src/lsp/documents/settings';
import { allRules } from '../../../server/src/rules/index';

interface SeverityMap {
  propertyNames?: { enum: string[] };
  additionalProperties: { enum: string[] };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { enum?: string[] }> } };
};
const properties = manifest.contributes.configuration.properties;

test('the contributed hpclint.rules and hpclint.categories settings offer exactly the engine severities and categories', () => {
  const rules = properties['hpclint.rules'] as SeverityMap;
  const categories = properties['hpclint.categories'] as SeverityMap;
  assert.deepEqual(rules.additionalProperties.enum, [...SEVERITY_SETTINGS]);
  assert.deepEqual(categories.additionalProperties.enum, [...SEVERITY_SETTINGS]);
  assert.deepEqual(categories.propertyNames?.enum, [...CATEGORIES]);
});

test('one list each: settings accept the categories rules use, and severities are the settings minus off', () => {
  assert.deepEqual(SEVERITY_SETTINGS, ['off', ...SEVERITIES]);
  const used = new Set(allRules.map((rule) => rule.meta.category));
  assert.deepEqual([...RULE_CATEGORIES].filter((category) => !used.has(category)), [], 'a category without rules');
  assert.ok(allRules.every((rule) => (RULE_CATEGORIES as readonly string[]).includes(rule.meta.category)));
});

test('package.json contributes exactly the settings the server reads, with the values it accepts', () => {
  const keys = [...KNOWN_SETTINGS];
  const leaves = keys.filter((key) => !keys.some((other) => other.startsWith(`${key}.`)));
  assert.deepEqual(Object.keys(properties).sort(), leaves.map((key) => `hpclint.${key}`).sort());
  assert.deepEqual(properties['hpclint.dockerfile.editorFeatures'].enum, [...EDITOR_FEATURES_MODES]);
});

test('messages name the accepted values from the same lists', () => {
  assert.equal(oneOfText(SEVERITY_SETTINGS), 'off, error, warning, info or hint');
  assert.equal(oneOfText(['a']), 'a');
});
