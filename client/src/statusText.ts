// What the hpclint status-bar item says about the active recipe: its findings in the text, the configuration
// behind them in the tooltip. No `vscode` import, so the wording is tested without an editor.
import { DOCKER_LANGUAGE_EXTENSIONS, SELECT_SITE_COMMAND, type DocumentStatus } from '../../server/src/lsp/protocol';

export interface FindingCounts {
  errors: number;
  warnings: number;
  /** Information and hints. */
  notes: number;
}

export interface StatusText {
  text: string;
  /** Markdown; may link to the `hpclint.selectSite` command. */
  tooltip: string;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `relative` shows a path the way the workspace does (relative to its folder when inside it). */
export function describeStatus(status: DocumentStatus, counts: FindingCounts, relative: (path: string) => string = (path) => path): StatusText {
  const total = counts.errors + counts.warnings + counts.notes;
  const icon = !status.enabled ? '$(circle-slash)' : counts.errors > 0 ? '$(error)' : counts.warnings > 0 ? '$(warning)' : counts.notes > 0 ? '$(info)' : '$(check)';
  const text = `${icon} hpclint${status.enabled && total > 0 ? `: ${total}` : ''}`;
  const lines = [
    status.enabled
      ? `**hpclint** — this recipe: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${plural(counts.notes, 'note')} (information and hints)`
      : '**hpclint** is turned off for this recipe (`hpclint.enable`)',
    `Configuration: ${status.configFile ? `\`${relative(status.configFile)}\`` : 'no config file (settings and defaults)'}`,
  ];
  if (status.error) {
    lines.push(`$(warning) Invalid configuration: ${status.error}`);
  }
  const { sites, from } = status.site;
  const source = from === 'setting' ? ' (from the `hpclint.site` setting)' : from === 'config' ? ' (from the config file)' : '';
  lines.push(`Site profile: ${sites.length > 0 ? sites.join(', ') + source : 'none — site-dependent rules give generic answers'} · [Select…](command:${SELECT_SITE_COMMAND})`);
  if (status.dockerfile && !status.dockerfile.editorFeatures) {
    const names = status.dockerfile.dockerExtensions.map((id) => DOCKER_LANGUAGE_EXTENSIONS[id] ?? id);
    const why = names.length > 0 ? `${names.join(' and ')} provides them` : '`hpclint.dockerfile.editorFeatures` is off';
    lines.push(`Dockerfile completion, hover, formatting and syntax findings: left to other extensions (${why})`);
  }
  lines.push('Click to show the hpclint output.');
  return { text, tooltip: lines.join('\n\n') };
}
