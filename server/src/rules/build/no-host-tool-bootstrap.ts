// HPC-BUILD-003: definition files bootstrapped with the build host's package tools (yum, dnf, debootstrap, zypper, arch) or its network and CPU (busybox).
import { own } from '../../engine/own';
import { defineRule, type Fix, type TextEdit } from '../../engine/rule';
import { remove, replace, unsafeFix } from '../../engine/fixBuilder';
import type { HeaderStep, Recipe, Stage } from '../../recipe/model';
import { headerOf } from '../util/base-image';
import { offsetOf, rangeOf } from '../util/source';
import docs from './no-host-tool-bootstrap.md';

const HOST_TOOL_AGENTS: Record<string, string> = {
  yum: "runs the build host's yum/dnf and rpm",
  dnf: "runs the build host's dnf and rpm",
  debootstrap: "runs the build host's debootstrap",
  zypper: "runs the build host's zypper and rpm",
  arch: "runs the build host's pacstrap (arch-install-scripts)",
};

/** `busybox` needs no package tools: it downloads the binary from `MirrorURL` and runs `busybox --install` on the build host. */
const BUSYBOX = "downloads a busybox binary from `MirrorURL` and runs it on the build host (`busybox --install`): the build needs network access and a host of that binary's CPU architecture";

/** Header keys only the host-tool agents use; dropped when switching to `Bootstrap: docker`. */
const AGENT_ONLY_KEYS = ['osversion', 'mirrorurl', 'metalink', 'updateurl', 'setopt', 'otherurl0', 'confurl'];
/** Keys whose loss would change what is installed: no automatic rewrite then. */
const CONTENT_KEYS = ['include', 'product', 'user', 'regcode', 'productpgp', 'registerurl', 'modulepath'];

/** The OCI image that matches the bootstrapped distribution, when mirror and OSVersion make it obvious. */
export function equivalentImage(agent: string, osVersion: string | undefined, mirror: string): string | undefined {
  const version = osVersion?.trim().toLowerCase();
  const source = mirror.toLowerCase();
  const plain = version !== undefined && /^[a-z0-9][a-z0-9._-]*$/.test(version) ? version : undefined;
  switch (agent) {
    case 'debootstrap':
      if (!plain) {
        return undefined;
      }
      if (source.includes('ubuntu')) {
        return `ubuntu:${plain}`;
      }
      return source.includes('debian') ? `debian:${plain}` : undefined;
    case 'yum':
    case 'dnf': {
      if (!plain || !/^\d+(\.\d+)*$/.test(plain)) {
        return undefined;
      }
      const major = plain.split('.')[0];
      if (source.includes('fedora')) {
        return `fedora:${major}`;
      }
      if (source.includes('rocky')) {
        return `rockylinux/rockylinux:${plain}`;
      }
      if (source.includes('almalinux')) {
        return `almalinux:${plain}`;
      }
      if (source.includes('centos') && ['6', '7', '8'].includes(major)) {
        return `centos:${major}`;
      }
      return undefined;
    }
    case 'zypper':
      if (source.includes('tumbleweed')) {
        return 'opensuse/tumbleweed';
      }
      return plain && /^15\.\d+$/.test(plain) && source.includes('opensuse') ? `opensuse/leap:${plain}` : undefined;
    case 'arch':
      return 'archlinux:base';
    default:
      return undefined;
  }
}

/** Range of the whole line(s) of a header step including the line break. */
function wholeLines(recipe: Recipe, step: HeaderStep): TextEdit {
  const start = offsetOf(recipe, { line: step.range.start.line, character: 0 });
  const next = recipe.text.indexOf('\n', offsetOf(recipe, step.range.end));
  const end = next < 0 ? recipe.text.length : next + 1;
  return remove(rangeOf(recipe, start, end));
}

function dockerBootstrapFix(recipe: Recipe, stage: Stage, bootstrap: HeaderStep, image: string): Fix | undefined {
  const headers = stage.steps.filter((step): step is HeaderStep => step.kind === 'header');
  if (headers.some((header) => CONTENT_KEYS.includes(header.key) || header.key === 'from' || /^otherurl\d+$/.test(header.key))) {
    return undefined;
  }
  const edits = [replace(bootstrap.range, `${bootstrap.keyword}: docker\nFrom: ${image}`)];
  for (const header of headers) {
    if (AGENT_ONLY_KEYS.includes(header.key)) {
      edits.push(wholeLines(recipe, header));
    }
  }
  return unsafeFix(`Bootstrap from the registry image \`${image}\` instead`, ...edits);
}

export default defineRule({
  meta: {
    code: 'HPC-BUILD-003',
    name: 'no-host-tool-bootstrap',
    category: 'build',
    severity: 'info',
    formats: ['apptainer'],
    locality: 'step',
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      const bootstrap = headerOf(stage, 'bootstrap');
      const agent = bootstrap?.value.value.trim().toLowerCase() ?? '';
      const tools = own(HOST_TOOL_AGENTS, agent);
      if (bootstrap && agent === 'busybox') {
        context.report({
          range: bootstrap.value.range,
          message: `\`Bootstrap: busybox\` ${BUSYBOX}, and the image has no package manager. Prefer a registry base image (\`Bootstrap: docker\` with \`From: busybox\` or \`alpine\`).`,
        });
        continue;
      }
      if (!bootstrap || !tools) {
        continue;
      }
      const mirror = [headerOf(stage, 'mirrorurl'), headerOf(stage, 'metalink')].map((header) => header?.value.value ?? '').join(' ');
      const image = equivalentImage(agent, headerOf(stage, 'osversion')?.value.value, mirror);
      const fix = image ? dockerBootstrapFix(recipe, stage, bootstrap, image) : undefined;
      const suggestion = image ? `\`Bootstrap: docker\` with \`From: ${image}\`` : 'a registry base image (`Bootstrap: docker`)';
      context.report({
        range: bootstrap.value.range,
        message: `\`Bootstrap: ${bootstrap.value.value.trim()}\` ${tools}: the build fails on hosts without these tools or privileges, and the result depends on the build host. Prefer ${suggestion}.`,
        fixes: fix ? [fix] : [],
      });
    }
  },
});
