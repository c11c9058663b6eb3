// ANSI colour for the text format: on a terminal by default, never with NO_COLOR (https://no-color.org).
import type { Severity } from '../engine/rule';
import type { ColorMode } from './args';

export interface Palette {
  path: (text: string) => string;
  severity: (severity: Severity, text: string) => string;
  code: (text: string) => string;
  dim: (text: string) => string;
}

export const PLAIN: Palette = {
  path: (text) => text,
  severity: (_severity, text) => text,
  code: (text) => text,
  dim: (text) => text,
};

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const SEVERITY_COLOR: Record<Severity, (text: string) => string> = {
  error: sgr(31, 39),
  warning: sgr(33, 39),
  info: sgr(36, 39),
  hint: sgr(2, 22),
};

export const ANSI: Palette = {
  path: sgr(1, 22),
  severity: (severity, text) => SEVERITY_COLOR[severity](text),
  code: sgr(2, 22),
  dim: sgr(2, 22),
};

/** `--color always|never` win; `auto` colours a terminal unless NO_COLOR is set (to anything) or TERM is dumb. */
export function useColor(mode: ColorMode, isTerminal: boolean, env: NodeJS.ProcessEnv): boolean {
  if (mode !== 'auto') {
    return mode === 'always';
  }
  return isTerminal && !env.NO_COLOR && env.TERM !== 'dumb';
}
