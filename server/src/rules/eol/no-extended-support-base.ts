// HPC-EOL-002: base releases past standard support that live on only in a free extended window (Debian LTS).
import { defineRule } from '../../engine/rule';
import { daysUntil, describeCycle, freeExtendedWindow, WARN_DAYS } from '../../knowledge/eol';
import { baseHits, successorFixes } from '../util/eol-bases';
import docs from './no-extended-support-base.md';

export default defineRule({
  meta: {
    code: 'HPC-EOL-002',
    name: 'no-extended-support-base',
    category: 'eol',
    // Advice: the base still gets security fixes for more than 180 days (HPC-EOL-001 takes over after that), and
    // bookworm variants next to trixie ones are often deliberate.
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const today = context.settings.today;
    for (const { hit, range, source, shipped } of baseHits(context.recipe)) {
      const window = freeExtendedWindow(hit);
      if (!shipped || !window || daysUntil(hit.cycle.eol, today) > 0 || daysUntil(window.end, today) <= WARN_DAYS) {
        continue;
      }
      const { name, successorText } = describeCycle(hit);
      context.report({
        range,
        message:
          `${source} is ${name}: standard security support ended on ${hit.cycle.eol}; security fixes continue only through ${window.name} until ${window.end} ` +
          `(amd64/arm64/i386/armhf, not every package). Plan the move to ${successorText.replace(/^; move to /, '') || 'a supported release'}.`,
        fixes: successorFixes(hit, range),
      });
    }
  },
});
