/* global document, NodeFilter */
// Drives the VS Code workbench served by code-server through its UI (keyboard, mouse, DOM state).
// Every wait polls UI state with a deadline; nothing sleeps for a fixed time.

const EDITOR = '.part.editor .editor-instance .monaco-editor';
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

/** Polls `probe` until it returns a truthy value; throws with `what` after `timeout` ms. */
export async function waitFor(what, probe, { timeout = 30_000, interval = 150 } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${lastError.message ?? lastError})` : '';
      throw new Error(`timed out after ${timeout / 1000}s waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** In-page: bounding rectangle of the first occurrence of `needle` in the active editor's rendered lines. */
function findTextRect([editorSelector, needle]) {
  const editor = document.querySelector(editorSelector);
  if (!editor) {
    return null;
  }
  for (const line of editor.querySelectorAll('.view-lines .view-line')) {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    const pieces = [];
    let text = '';
    while (walker.nextNode()) {
      pieces.push({ node: walker.currentNode, start: text.length });
      text += walker.currentNode.data;
    }
    const index = text.replace(/\u00a0/g, ' ').indexOf(needle);
    if (index < 0) {
      continue;
    }
    const locate = (offset, isEnd) => {
      for (const { node, start } of pieces) {
        const end = start + node.data.length;
        if (offset < end || (isEnd && offset === end)) {
          return [node, offset - start];
        }
      }
      return null;
    };
    const range = document.createRange();
    range.setStart(...locate(index, false));
    range.setEnd(...locate(index + needle.length, true));
    const rect = range.getBoundingClientRect();
    return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
  }
  return null;
}

/** In-page: squiggle decorations of the active editor that overlap `rect`. */
function squigglesOver([editorSelector, rect]) {
  const editor = document.querySelector(editorSelector);
  if (!editor) {
    return [];
  }
  return [...editor.querySelectorAll('.view-overlays [class*="squiggly-"]')]
    .map((element) => ({ className: element.className, rect: element.getBoundingClientRect() }))
    .filter(({ rect: r }) => r.width > 0 && r.x < rect.x + rect.width && r.x + r.width > rect.x)
    .filter(({ rect: r }) => r.y < rect.y + rect.height + 4 && r.y + r.height > rect.y - 4)
    .map(({ className }) => className.split(/\s+/).find((name) => name.startsWith('squiggly-')));
}

export class Workbench {
  constructor(page) {
    this.page = page;
  }

  async open(url, folder, expectedFile) {
    await this.page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await this.page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: expectedFile })
      .first()
      .waitFor({ timeout: 90_000 });
  }

  /**
   * Opens `fileName` with Quick Open and checks that the active tab is exactly that file: the list re-sorts
   * while results stream in, so the file is taken with the keyboard once it is the focused row (a mouse click
   * can land on another row, "hpc.Dockerfile" for "Dockerfile"); if another file opened all the same, it tries again.
   */
  async quickOpen(fileName) {
    const activeName = this.page.locator('.part.editor .tab.active .label-name').first();
    await waitFor(`${fileName} in the active editor`, async () => {
      await this.dismissQuickInput();
      await this.page.keyboard.press('Control+P');
      await this.page.locator(QUICK_INPUT).waitFor({ state: 'visible' });
      await this.page.keyboard.type(fileName);
      await this.acceptQuickInputRow(fileName);
      await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 10_000 });
      return waitFor(`the active tab to settle on ${fileName}`, async () => (await activeName.textContent())?.trim() === fileName, {
        timeout: 5_000,
      }).catch(() => false);
    }, { timeout: 60_000 });
    await this.page.locator(`${EDITOR} .view-lines .view-line`).first().waitFor({ timeout: 20_000 });
  }

  /**
   * Presses Enter in the open quick input once its focused row is exactly `label` (two polls in a row, so the
   * list has settled); moves the focus down when a row with that label is listed but another stays focused.
   */
  async acceptQuickInputRow(label, timeout = 20_000) {
    const labelsOf = (rows) => rows.locator('.label-name').allTextContents();
    const focused = this.page.locator(`${QUICK_INPUT_ROWS}.focused`);
    let settled = 0;
    let elsewhere = 0;
    await waitFor(`"${label}" focused in the quick input`, async () => {
      const focusedLabel = (await labelsOf(focused))[0]?.trim();
      if (focusedLabel === label) {
        elsewhere = 0;
        return ++settled >= 2;
      }
      settled = 0;
      const listed = (await labelsOf(this.page.locator(QUICK_INPUT_ROWS))).map((text) => text.trim());
      if (listed.includes(label) && ++elsewhere >= 3) {
        elsewhere = 0;
        await this.page.keyboard.press('ArrowDown');
      }
      return false;
    }, { timeout, interval: 100 });
    await this.page.keyboard.press('Enter');
  }

  /** Runs a command from the command palette (F1) by its exact label. */
  async runCommand(label) {
    await this.dismissQuickInput();
    await this.page.keyboard.press('F1');
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'visible' });
    await this.page.keyboard.type(label);
    await this.acceptQuickInputRow(label);
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 15_000 });
  }

  async dismissQuickInput() {
    if (await this.page.locator(QUICK_INPUT).isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
    }
  }

  /** Text of the active editor's rendered lines (the test files are short enough to fit the view). */
  async editorText() {
    const lines = await this.page.locator(`${EDITOR} .view-lines .view-line`).evaluateAll((elements) =>
      elements
        .map((element) => ({ top: parseFloat(element.style.top) || 0, text: element.textContent ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text.replace(/\u00a0/g, ' ')),
    );
    return lines.join('\n');
  }

  textRect(needle) {
    return this.page.evaluate(findTextRect, [EDITOR, needle]);
  }

  async squigglesAt(needle) {
    const rect = await this.textRect(needle);
    if (!rect) {
      return [];
    }
    return this.page.evaluate(squigglesOver, [EDITOR, rect]);
  }

  /** Waits until `needle` is rendered with a squiggle under it; returns the squiggle classes. */
  waitForSquiggle(needle, timeout = 45_000) {
    return waitFor(`a squiggle under "${needle}"`, async () => {
      const squiggles = await this.squigglesAt(needle);
      return squiggles.length > 0 ? squiggles : undefined;
    }, { timeout });
  }

  waitForNoSquiggle(needle, timeout = 30_000) {
    return waitFor(`no squiggle under "${needle}"`, async () => (await this.squigglesAt(needle)).length === 0, {
      timeout,
    });
  }

  async center(needle) {
    const rect = await waitFor(`"${needle}" rendered in the editor`, () => this.textRect(needle));
    return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
  }

  /** Puts the cursor inside the first occurrence of `needle`. */
  async clickOn(needle) {
    const { x, y } = await this.center(needle);
    await this.page.mouse.click(x, y);
    await this.page.mouse.move(2, 400);
  }

  /** Hovers `needle` and returns the visible hover's text once it contains `expected`. */
  async hover(needle, expected, timeout = 30_000) {
    const hover = this.page.locator('.monaco-hover:not(.hidden)');
    let attempt = 0;
    return waitFor(`a hover over "${needle}" containing "${expected}"`, async () => {
      if (!(await hover.first().isVisible())) {
        // Re-enter the word to (re)trigger the hover; alternate positions so the mouse really moves.
        const { x, y } = await this.center(needle);
        await this.page.mouse.move(x - 200, y + 200);
        await this.page.mouse.move(x + (attempt++ % 2 ? 2 : -2), y);
        await hover.first().waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
      }
      const texts = await hover.allTextContents();
      const text = texts.join('\n');
      return text.includes(expected) ? text : undefined;
    }, { timeout, interval: 300 });
  }

  /** Opens the Problems panel and returns the text of its rows once `predicate(rows)` holds. */
  async problems(predicate, what, timeout = 30_000) {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.page.keyboard.press('Control+Shift+M');
      await panel.waitFor({ state: 'visible' });
    }
    return waitFor(what, async () => {
      const rows = await panel.locator('.monaco-list-row').allTextContents();
      return predicate(rows) ? rows : undefined;
    }, { timeout });
  }

  async closePanel() {
    const panel = this.page.locator('.part.panel');
    if (await panel.isVisible()) {
      await this.runCommand('View: Hide Panel');
      await panel.waitFor({ state: 'hidden' });
    }
  }

  /** Waits until a status-bar entry's text matches `pattern`; returns its text. */
  statusBarEntry(pattern, timeout = 30_000) {
    return waitFor(`a status-bar entry matching ${pattern}`, async () => {
      const texts = await this.page.locator('.part.statusbar .statusbar-item').allTextContents();
      return texts.find((text) => pattern.test(text.trim()));
    }, { timeout });
  }

  /** Clicks the status-bar entry whose (trimmed) text is `text`. */
  async clickStatusBarEntry(text) {
    const entry = this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: text }).first();
    await entry.locator('a, .statusbar-item-label').first().click({ timeout: 15_000 });
  }

  /** Runs a command that opens a quick pick (F1, label, Enter) and picks the row whose label is `choice`. */
  async runCommandAndPick(label, choice) {
    await this.dismissQuickInput();
    await this.page.keyboard.press('F1');
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'visible' });
    await this.page.keyboard.type(label);
    await this.acceptQuickInputRow(label);
    await this.acceptQuickInputRow(choice);
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 15_000 });
  }

  /** Triggers completion (Ctrl+Space) at the cursor and returns the suggestion labels once one matches `expected`. */
  suggestions(expected, timeout = 20_000) {
    const rows = this.page.locator('.suggest-widget .monaco-list-row');
    let attempt = 0;
    return waitFor(`a suggestion "${expected}"`, async () => {
      if (!(await rows.first().isVisible()) && attempt++ % 5 === 0) {
        await this.page.keyboard.press('Control+Space');
      }
      const labels = await rows.allTextContents();
      return labels.some((label) => label.includes(expected)) ? labels : undefined;
    }, { timeout, interval: 300 });
  }

  /** Closes menus, hovers and quick inputs left open (e.g. by a failed scenario). */
  async reset() {
    await this.page.mouse.move(2, 400);
    for (const selector of [QUICK_INPUT, '.action-widget', '.monaco-hover:not(.hidden)', '.token-inspect-widget', '.suggest-widget.visible']) {
      const open = this.page.locator(selector).first();
      if (await open.isVisible()) {
        await this.page.keyboard.press('Escape');
        await open.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
      }
    }
  }

  /**
   * Opens the quick-fix menu at the cursor (Ctrl+.); returns the labels of its actions and how many
   * times VS Code first answered "No code actions available" (it asks again once that message is gone).
   */
  async openQuickFixMenu(timeout = 20_000) {
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    const nothing = this.page.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions available' });
    let emptyAnswers = 0;
    await waitFor('the quick-fix menu', async () => {
      await this.page.keyboard.press('Control+.');
      const answer = await Promise.race([
        rows.first().waitFor({ state: 'visible', timeout: 10_000 }).then(() => 'menu'),
        nothing.first().waitFor({ state: 'visible', timeout: 10_000 }).then(() => 'nothing'),
      ]);
      if (answer === 'menu') {
        return true;
      }
      emptyAnswers++;
      await this.page.keyboard.press('Escape');
      await nothing.first().waitFor({ state: 'hidden', timeout: 5000 });
      return false;
    }, { timeout });
    const labels = await rows.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('aria-label') ?? element.textContent ?? ''),
    );
    return { labels, emptyAnswers };
  }

  /** Moves the quick-fix menu's focus (keyboard) to the action whose label matches, then applies it. */
  async applyQuickFix(pattern) {
    const focused = this.page.locator('.action-widget .monaco-list-row.action.focused');
    await waitFor(`the quick fix ${pattern} to be focused`, async () => {
      const label = (await focused.getAttribute('aria-label', { timeout: 2000 })) ?? '';
      if (pattern.test(label)) {
        return true;
      }
      await this.page.keyboard.press('ArrowDown');
      return false;
    }, { timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden' });
  }

  /** Label of the channel selected in the Output panel. */
  selectedOutputChannel() {
    return this.page
      .locator('.part.panel select.monaco-select-box')
      .first()
      .evaluate((select) => select.selectedOptions?.[0]?.text ?? select.textContent ?? '');
  }

  /** Text shown in the Output panel editor (visible lines). */
  async outputText() {
    const lines = this.page.locator('.part.panel .monaco-editor .view-lines .view-line');
    return lines.evaluateAll((elements) =>
      elements
        .map((element) => ({ top: parseFloat(element.style.top) || 0, text: element.textContent ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text.replace(/\u00a0/g, ' '))
        .join('\n'),
    );
  }
}
