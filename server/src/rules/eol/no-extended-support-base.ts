// HPC-EOL-002: base releases past standard support that live on only in a free extended window (Debian LTS).
import { defineRule } from '../../engine/rule';
import { baseHits, daysUntil, describeCycle, freeExtendedWindow, successorFixes, WARN_DAYS } from './no-eol-base';

export default defineRule({
  meta: {
    code: 'HPC-EOL-002',
    name: 'no-extended-support-base',
    category: 'eol',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    docs: {
      summary: 'Base releases past standard support that are only covered by a free extended window (Debian LTS).',
      whatItDoes:
        'Reads the same base references as HPC-EOL-001 (`FROM`/`From:` tags, distro suffixes in vendor tags such as `python:3.12-slim-bookworm`, debootstrap `OSVersion:`) and reports ' +
        'releases whose standard security support has ended but whose free extended window — Debian LTS, e.g. Debian 12 bookworm until 2028-06-30 — is still running. ' +
        'Within the last 180 days of the window HPC-EOL-001 takes over (warning, then error), so a base is never reported by both rules. Only stages the final image inherits from are checked.',
      whyHpc:
        'Debian LTS is run by a separate, volunteer- and sponsor-funded team with a narrower scope than the security team: it covers only amd64, arm64, i386 and armhf ' +
        '(not ppc64el or s390x, found on some HPC systems) and not every package, so some vulnerabilities stay open. When the window closes, the release moves to ' +
        '`archive.debian.org` and `apt-get update` starts failing with `404 Not Found` / `Release file … is not valid yet/expired` — typically just when an image has to be rebuilt for a new cluster.',
      howToFix:
        'Plan the move to the next stable release (the message names it) while the image still builds: change the tag (`debian:trixie-slim`, `python:3.12-slim-trixie`), ' +
        'rebuild and test. The quick fix replaces the release name; it is unsafe because a new release changes compilers, glibc and package names.',
      bad: [
        { format: 'dockerfile', code: 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gfortran\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: debian:12\n\n%post\n    apt-get update && apt-get install -y gfortran\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gfortran\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: debian:13\n\n%post\n    apt-get update && apt-get install -y gfortran\n' },
      ],
      exceptions:
        'Paid windows (Ubuntu ESM via Ubuntu Pro, RHEL 7 ELS) are not reported here: the public images do not receive those updates, so such bases are HPC-EOL-001 errors. ' +
        'Build stages the final image does not inherit from are not reported. On amd64/arm64 with only mainstream packages, an LTS base is a defensible short-term choice: ' +
        '`# hpclint ignore=HPC-EOL-002 -- move to trixie planned`. Dates come from the EOL table (endoflife.date snapshot 2026-08-22) and `settings.today`.',
      references: ['https://wiki.debian.org/LTS', 'https://endoflife.date/debian', 'https://www.debian.org/security/faq#lts'],
    },
  },
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
          `${source} is ${name}: standard security support ended on ${hit.cycle.eol}; only ${window.name} remains until ${window.end} ` +
          `(amd64/arm64/i386/armhf, not every package)${successorText}.`,
        fixes: successorFixes(hit, range),
      });
    }
  },
});
