// ShellCheck for a whole CLI run: scripts are handed over as each file's lint finishes, every distinct text is
// checked once (or not at all when the run's cache has it), and batches start while the lints go on, up to
// `processes` ShellCheck processes at a time.
import type { ShellCheckResultCache } from './resultCache';
import { BATCH_CHARS, BATCH_FILES, MAX_SCRIPT_CHARS, type ScriptResult, type ShellCheckRunner } from './runner';

interface Waiting {
  text: string;
  settle: (result: ScriptResult) => void;
}

export class ShellCheckQueue {
  /** Per distinct script text: its result, known or to come. */
  private readonly results = new Map<string, Promise<ScriptResult>>();
  private readonly waiting: Waiting[] = [];
  private waitingChars = 0;
  private running = 0;
  private draining = false;

  constructor(
    private readonly runner: ShellCheckRunner,
    private readonly processes: number,
    private readonly cache?: ShellCheckResultCache,
  ) {}

  /** The results for `texts`, in their order; a text seen before is not checked again. */
  check(texts: readonly string[]): Promise<ScriptResult[]> {
    const results = Promise.all(texts.map((text) => this.resultOf(text)));
    this.pump();
    return results;
  }

  /** No more scripts are coming: what waits runs now, spread over the free processes instead of in full batches. */
  drain(): void {
    this.draining = true;
    this.pump();
  }

  private resultOf(text: string): Promise<ScriptResult> {
    let result = this.results.get(text);
    if (!result) {
      const cached = text.length > MAX_SCRIPT_CHARS ? undefined : this.cache?.get(text);
      result =
        text.length > MAX_SCRIPT_CHARS
          ? Promise.resolve({ error: `script longer than ${MAX_SCRIPT_CHARS} characters, not checked` })
          : cached
            ? Promise.resolve(cached)
            : new Promise<ScriptResult>((settle) => {
              this.waiting.push({ text, settle });
              this.waitingChars += text.length;
            });
      this.results.set(text, result);
    }
    return result;
  }

  private pump(): void {
    while (this.running < this.processes && this.waiting.length > 0) {
      const full = this.waiting.length >= BATCH_FILES || this.waitingChars >= BATCH_CHARS;
      if (!full && !this.draining) {
        return;
      }
      const share = this.draining ? Math.ceil(this.waiting.length / (this.processes - this.running)) : BATCH_FILES;
      this.start(this.take(Math.min(share, BATCH_FILES)));
    }
  }

  /** Up to `count` waiting scripts, and no more characters than a batch holds (always at least one script). */
  private take(count: number): Waiting[] {
    let chars = 0;
    let taken = 0;
    while (taken < Math.min(count, this.waiting.length) && (taken === 0 || chars + this.waiting[taken].text.length <= BATCH_CHARS)) {
      chars += this.waiting[taken].text.length;
      taken++;
    }
    this.waitingChars -= chars;
    return this.waiting.splice(0, taken);
  }

  private start(batch: Waiting[]): void {
    this.running++;
    void this.runner.runBatch(batch.map((script) => script.text)).then((outcome) => {
      batch.forEach((script, i) => {
        const result = outcome[i];
        if (Array.isArray(result)) {
          this.cache?.set(script.text, result);
        }
        script.settle(result);
      });
      this.running--;
      this.pump();
    });
  }
}
