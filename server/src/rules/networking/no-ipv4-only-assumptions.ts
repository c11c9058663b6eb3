// HPC-NET-002: IPv4-only assumptions (literal IPv4 hosts in URLs, curl -4 / wget --inet4-only, disabling IPv6).
import { own } from '../../engine/own';
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { rangeInWord } from '../util/source';
import docs from './no-ipv4-only-assumptions.md';

const IPV4_URL = /\b(?:https?|ftp|socks[45]h?):\/\/(?:[^\s@/]*@)?((\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![\d.])/gi;
const FORCE_IPV4: Record<string, RegExp> = {
  curl: /^(-4|--ipv4|-[A-Za-z]*4[A-Za-z]*)$/,
  wget: /^(-4|--inet4-only|--inet4-only=on|-[A-Za-z]*4[A-Za-z]*)$/,
};
const DISABLE_IPV6 = /disable_ipv6\s*=\s*1/;
/** Loopback, wildcard and link-local addresses are not IPv4-only assumptions about the network. */
function isLocalAddress(address: string, firstOctet: string): boolean {
  return firstOctet === '127' || firstOctet === '0' || address.startsWith('169.254.');
}

export default defineRule({
  meta: {
    code: 'HPC-NET-002',
    name: 'no-ipv4-only-assumptions',
    category: 'networking',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const scanUrls = (word: Word): void => {
      IPV4_URL.lastIndex = 0;
      for (let match = IPV4_URL.exec(word.text); match; match = IPV4_URL.exec(word.text)) {
        if (isLocalAddress(match[1], match[2])) {
          continue;
        }
        const start = match.index + match[0].lastIndexOf(match[1]);
        context.report({
          range: rangeInWord(recipe, word, start, start + match[1].length),
          message: `\`${match[0]}\` uses a literal IPv4 address, which only exists on the network where the recipe was written and cannot be reached from IPv6-only build or compute nodes; use a host name (or a build argument for site-local mirrors).`,
        });
      }
    };
    const steps = [...recipe.globalArgs, ...recipe.stages.flatMap((stage) => stage.steps)];
    for (const step of steps) {
      if (step.kind === 'env' || step.kind === 'arg') {
        for (const pair of step.pairs) {
          if (pair.value) {
            scanUrls(pair.value);
          }
        }
        continue;
      }
      if (step.kind !== 'run' && step.kind !== 'entrypoint' && step.kind !== 'test') {
        continue;
      }
      for (const command of step.script?.commands ?? []) {
        for (const word of [...command.assignments, ...command.words]) {
          scanUrls(word);
        }
        const name = effectiveName(command);
        const forceIpv4 = own(FORCE_IPV4, name);
        const words = effectiveWords(command).slice(1);
        if (forceIpv4) {
          const flag = words.find((word) => forceIpv4.test(word.value));
          if (flag) {
            context.report({
              range: flag.range,
              message: `\`${name} ${flag.value}\` forces IPv4; on IPv6-only build or compute networks the download then fails instead of using IPv6. Drop the flag.`,
            });
          }
        }
        if (name === 'sysctl') {
          const setting = words.find((word) => DISABLE_IPV6.test(word.value));
          if (setting) {
            context.report({
              range: setting.range,
              message: `\`${setting.value}\` switches IPv6 off, so the recipe only works on IPv4 networks; on IPv6-only nodes nothing can connect.`,
            });
          }
        }
      }
    }
  },
});
