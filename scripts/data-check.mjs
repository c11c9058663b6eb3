// npm run data:check [-- --today YYYY-MM-DD] — facts that age: lists the entries of server/src/data/*.json that were
// confirmed more than 90 days ago, and those whose end-of-life date has passed since they were confirmed (the date
// may have moved: vendors extend support). Information for maintainers: it never fails (exit 0) unless a file is broken.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const STALE_DAYS = 90;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATA = new URL('../server/src/data/', import.meta.url).pathname;

const todayArg = process.argv.indexOf('--today');
const today = todayArg >= 0 ? process.argv[todayArg + 1] : new Date().toISOString().slice(0, 10);
if (!DATE.test(today ?? '')) {
  console.error('data:check: --today needs a date YYYY-MM-DD');
  process.exit(2);
}

const days = (from, to) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** Every object with an `asOf` date, with its JSON path. */
function* entries(value, path) {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      yield* entries(value[i], `${path}[${i}]`);
    }
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  if (typeof value.asOf === 'string' && path !== '') {
    yield { path, entry: value };
  }
  for (const [key, child] of Object.entries(value)) {
    yield* entries(child, path === '' ? key : `${path}.${key}`);
  }
}

const stale = new Map();
const passed = [];
let broken = false;
let total = 0;
for (const file of readdirSync(DATA).filter((name) => name.endsWith('.json')).sort()) {
  let data;
  try {
    data = JSON.parse(readFileSync(join(DATA, file), 'utf8'));
  } catch (error) {
    console.error(`data:check: ${file}: ${error.message}`);
    broken = true;
    continue;
  }
  for (const { path, entry } of entries(data, '')) {
    total++;
    if (!DATE.test(entry.asOf) || !Array.isArray(entry.sources) || entry.sources.length === 0) {
      console.error(`data:check: ${file} ${path}: needs an asOf date and sources`);
      broken = true;
      continue;
    }
    const age = days(entry.asOf, today);
    if (age > STALE_DAYS) {
      const group = `${file} ${path.replace(/\[\d+\]$/, '').replace(/\.cycles$/, '')}`;
      const item = stale.get(group) ?? { asOf: new Set(), count: 0 };
      item.asOf.add(entry.asOf);
      item.count++;
      stale.set(group, item);
    }
    for (const key of ['eol', 'extendedEol']) {
      const date = entry[key];
      if (typeof date === 'string' && DATE.test(date) && entry.asOf < date && date <= today) {
        passed.push(`${file} ${path} (${entry.cycle ?? entry.release ?? ''}): ${key} ${date} has passed since it was confirmed on ${entry.asOf}; check that it was not extended`);
      }
    }
  }
}

console.log(`data:check ${today}: ${total} dated entries in server/src/data`);
if (stale.size > 0) {
  console.log(`Confirmed more than ${STALE_DAYS} days ago (refresh against the sources):`);
  for (const [group, { asOf, count }] of stale) {
    console.log(`  ${group}: ${count} ${count === 1 ? 'entry' : 'entries'}, as of ${[...asOf].sort().join(', ')}`);
  }
}
if (passed.length > 0) {
  console.log('Dates passed since they were confirmed:');
  for (const line of passed) {
    console.log(`  ${line}`);
  }
}
if (stale.size === 0 && passed.length === 0) {
  console.log('Every entry was confirmed within the last 90 days and no date has passed since.');
}
process.exit(broken ? 1 : 0);
