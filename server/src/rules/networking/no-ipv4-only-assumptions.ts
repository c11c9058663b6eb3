// HPC-NET-002: IP-family assumptions: IPv4-only ones (literal IPv4 hosts in URLs, curl -4 / wget --inet4-only, disabling IPv6)
// and, the other way round, IPv6-only ones (IPv6 literals, AF_INET6 socket families, curl -6, `::` binds).
import { own } from '../../engine/own';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { assignmentsAndWords, effectiveName, effectiveWords } from '../util/commands';
import { rangeInWord } from '../util/source';
import docs from './no-ipv4-only-assumptions.md';

const IPV4_URL = /\b(?:https?|ftp|socks[45]h?):\/\/(?:[^\s@/]*@)?((\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![\d.])/gi;
const FORCE_IPV4: Record<string, RegExp> = {
  curl: /^(-4|--ipv4|-[A-Za-z]*4[A-Za-z]*)$/,
  wget: /^(-4|--inet4-only|--inet4-only=on|-[A-Za-z]*4[A-Za-z]*)$/,
};
const DISABLE_IPV6 = /disable_ipv6\s*=\s*1/;
const IPV6_URL = /\b(?:https?|ftp|socks5h?):\/\/(?:[^\s@/]*@)?\[([0-9a-f:.]+)\]/gi;
const FORCE_IPV6: Record<string, RegExp> = {
  curl: /^(-6|--ipv6|-[A-Za-z]*6[A-Za-z]*)$/,
  wget: /^(-6|--inet6-only|--inet6-only=on|-[A-Za-z]*6[A-Za-z]*)$/,
};
const IPV6_ONLY_SOCKETS = /net\.ipv6\.bindv6only\s*=\s*1/;
/** Settings that make a library or MPI use IPv6 sockets only. */
const IPV6_FAMILY_SETTINGS: Record<string, RegExp> = {
  NCCL_SOCKET_FAMILY: /^AF_INET6$/i,
  GLOO_SOCKET_FAMILY: /^AF_INET6$/i,
  OMPI_MCA_btl_tcp_disable_family: /^4$/,
};
/** Options of entry-point commands that choose the listening address (`jupyter lab --ip=::`, `--bind [::]:8080`). */
const BIND_OPTION = /^(--ip|--host|--bind|--listen|--address|-b)$/;
const IPV6_WILDCARD = /^(::|\[::\])(:\d+)?$/;

/** An IPv6 address written as the whole value (`fd00::5`, `2001:db8:0:0:0:0:0:5`), not loopback, link-local or IPv4-mapped. */
function isRoutableIpv6(value: string): boolean {
  const bare = value.replace(/^\[|\]$/g, '');
  const colons = bare.split(':').length - 1;
  if (!/^[0-9a-f:]+$/i.test(bare) || (!bare.includes('::') && colons !== 7) || colons < 2) {
    return false;
  }
  return !/^(::1?|fe[89ab][0-9a-f]?:.*|::ffff:.*)$/i.test(bare);
}
/** Loopback, wildcard and link-local addresses are not IPv4-only assumptions about the network. */
function isLocalAddress(address: string, firstOctet: string): boolean {
  return firstOctet === '127' || firstOctet === '0' || address.startsWith('169.254.');
}

/** Reports literal IPv4 and routable IPv6 hosts in the URLs of a word (both patterns need a `://`, which most words lack). */
function scanUrls(context: RuleContext, word: Word): void {
  if (word.text.includes('://')) {
    scanIpv4Urls(context, word);
    scanIpv6Urls(context, word);
  }
}

function scanIpv4Urls(context: RuleContext, word: Word): void {
  IPV4_URL.lastIndex = 0;
  for (let match = IPV4_URL.exec(word.text); match; match = IPV4_URL.exec(word.text)) {
    if (isLocalAddress(match[1], match[2])) {
      continue;
    }
    const start = match.index + match[0].lastIndexOf(match[1]);
    context.report({
      range: rangeInWord(context.recipe, word, start, start + match[1].length),
      message: `\`${match[0]}\` uses a literal IPv4 address, which only exists on the network where the recipe was written and cannot be reached from IPv6-only build or compute nodes; use a host name (or a build argument for site-local mirrors).`,
    });
  }
}

function scanIpv6Urls(context: RuleContext, word: Word): void {
  IPV6_URL.lastIndex = 0;
  for (let match = IPV6_URL.exec(word.text); match; match = IPV6_URL.exec(word.text)) {
    if (!isRoutableIpv6(match[1])) {
      continue;
    }
    const start = match.index + match[0].lastIndexOf(match[1]);
    context.report({
      range: rangeInWord(context.recipe, word, start, start + match[1].length),
      message: `\`${match[0]}\` uses a literal IPv6 address, which cannot be reached from IPv4-only build or compute networks; use a host name and let the resolver choose the family.`,
    });
  }
}

export default defineRule({
  meta: {
    code: 'HPC-NET-002',
    name: 'no-ipv4-only-assumptions',
    category: 'networking',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const checkIpv6Setting = (name: string, value: Word): void => {
      const family = own(IPV6_FAMILY_SETTINGS, name);
      if (family?.test(value.value)) {
        context.report({
          range: value.range,
          message: `\`${name}=${value.value}\` makes it use IPv6 sockets only; on IPv4-only cluster networks it then finds no usable interface or peer. Leave the family to the site, or set it in the job script.`,
        });
      } else if (isRoutableIpv6(value.value)) {
        context.report({
          range: value.range,
          message: `\`${name}=${value.value}\` is a literal IPv6 address, which IPv4-only cluster networks cannot reach and no other site has; use a host name, or set it in the job script.`,
        });
      }
    };
    const steps = [...recipe.globalArgs, ...recipe.stages.flatMap((stage) => stage.steps)];
    for (const step of steps) {
      if (step.kind === 'env' || step.kind === 'arg') {
        for (const pair of step.pairs) {
          if (pair.value) {
            scanUrls(context, pair.value);
            checkIpv6Setting(pair.key.value, pair.value);
          }
        }
        continue;
      }
      if (step.kind !== 'run' && step.kind !== 'entrypoint' && step.kind !== 'test') {
        continue;
      }
      for (const command of step.script?.commands ?? []) {
        for (const word of assignmentsAndWords(command)) {
          scanUrls(context, word);
        }
        if (command.name === 'export') {
          for (const word of command.words.slice(1)) {
            const equals = word.value.indexOf('=');
            if (equals > 0) {
              checkIpv6Setting(word.value.slice(0, equals), { ...word, value: word.value.slice(equals + 1) });
            }
          }
        }
        const name = effectiveName(command);
        const forceIpv4 = own(FORCE_IPV4, name);
        const forceIpv6 = own(FORCE_IPV6, name);
        if (!forceIpv4 && !forceIpv6 && step.kind !== 'entrypoint' && name !== 'sysctl') {
          continue;
        }
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
        const flag6 = forceIpv6 ? words.find((word) => forceIpv6.test(word.value)) : undefined;
        if (flag6) {
          context.report({
            range: flag6.range,
            message: `\`${name} ${flag6.value}\` forces IPv6; on IPv4-only build or compute networks the download then fails. Drop the flag.`,
          });
        }
        if (step.kind === 'entrypoint') {
          const bind = words.find((word, i) => (BIND_OPTION.test(words[i - 1]?.value ?? '') && IPV6_WILDCARD.test(word.value)) || /^--(ip|host|bind|listen|address)=(::|\[::\])(:\d+)?$/.test(word.value));
          if (bind) {
            context.report({
              range: bind.range,
              message: `\`${bind.value}\` binds the IPv6 wildcard: on nodes booted with IPv6 switched off (\`ipv6.disable=1\`, found on IPv4-only clusters) the service fails with \`Address family not supported by protocol\`. Bind \`0.0.0.0\` or take the address from an argument.`,
            });
          }
        }
        if (name === 'sysctl') {
          const v6only = words.find((word) => IPV6_ONLY_SOCKETS.test(word.value));
          if (v6only) {
            context.report({
              range: v6only.range,
              message: `\`${v6only.value}\` makes IPv6 sockets refuse IPv4 connections, so services only work on IPv6 networks; IPv4-only cluster networks cannot reach them.`,
            });
          }
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
