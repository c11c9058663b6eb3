// The definition-file formatter: what it changes, what it must leave alone, and the edits it sends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatDefinitionText, formatEdits } from '../../../server/src/lsp/features/apptainerFormat';
import { parseDefinitionFile } from '../../../server/src/recipe/apptainer';

const SPACES = { tabSize: 4, insertSpaces: true };

function format(text: string, options = SPACES): string {
  return formatDefinitionText(text, parseDefinitionFile(text), options);
}

function lines(...all: string[]): string {
  return `${all.join('\n')}\n`;
}

describe('definition-file formatter', () => {
  test('aligns header lines, spaces sections and indents bodies by one unit', () => {
    const messy = lines(
      '  bootstrap:docker',
      'From :   ubuntu:24.04   # LTS',
      '',
      '',
      '%post',
      '',
      'apt-get update',
      'if true; then',
      '  echo yes',
      'fi',
      '',
      '',
      '',
      '   %environment',
      '\texport A=1',
      '%runscript',
      '  exec app "$@"   ',
    );
    assert.equal(
      format(messy),
      lines(
        '  bootstrap:docker',
        'From: ubuntu:24.04   # LTS',
        '',
        '%post',
        '    apt-get update',
        '    if true; then',
        '      echo yes',
        '    fi',
        '',
        '%environment',
        '    export A=1',
        '',
        '%runscript',
        '    exec app "$@"',
      ),
    );
  });

  test('a stage-starting Bootstrap line at column 0 is normalised, an indented one stays (it starts no stage)', () => {
    assert.equal(format('Bootstrap:docker\nFrom: a\n'), 'Bootstrap: docker\nFrom: a\n');
    assert.equal(format('  Bootstrap:docker\nFrom: a\n'), '  Bootstrap:docker\nFrom: a\n');
  });

  test('exactly one blank line between stages', () => {
    const text = lines('Bootstrap: docker', 'From: a', 'Stage: build', '%post', '  make', 'Bootstrap: docker', 'From: b', '%files from build', '  /a /b');
    assert.equal(
      format(text),
      lines('Bootstrap: docker', 'From: a', 'Stage: build', '', '%post', '    make', '', 'Bootstrap: docker', 'From: b', '', '%files from build', '    /a /b'),
    );
  });

  test('heredoc bodies, multi-line strings, zero-indent continuations and #! lines keep their text', () => {
    const text = lines(
      'Bootstrap: docker',
      'From: a',
      '',
      '%post',
      '  cat <<EOF > /etc/motd',
      'hello   ',
      '  indented',
      'EOF',
      '  echo "first',
      '     second   ',
      'third"',
      '  echo one\\',
      'two',
      '  printf "%s" a \\ ',
      '  done',
      '%runscript',
      '#!/bin/bash',
      '  exec app',
    );
    assert.equal(
      format(text),
      lines(
        'Bootstrap: docker',
        'From: a',
        '',
        '%post',
        '    cat <<EOF > /etc/motd',
        'hello   ',
        '  indented',
        'EOF',
        '    echo "first',
        '     second   ',
        'third"',
        '    echo one\\',
        'two',
        '    printf "%s" a \\ ',
        '    done',
        '',
        '%runscript',
        '#!/bin/bash',
        '    exec app',
      ),
    );
  });

  test('a blank line right after a continuation stays: it ends the command', () => {
    const text = lines('Bootstrap: docker', 'From: a', '', '%post', '  echo a \\', '', '', '  echo b');
    assert.equal(format(text), lines('Bootstrap: docker', 'From: a', '', '%post', '    echo a \\', '', '    echo b'));
  });

  test('help text is not re-indented; only blank lines at its end go', () => {
    const text = lines('Bootstrap: docker', 'From: a', '', '%help', '  Usage:', '      run it', '', '', '%post', '  true');
    assert.equal(format(text), lines('Bootstrap: docker', 'From: a', '', '%help', '  Usage:', '      run it', '', '%post', '    true'));
  });

  test('comments right above a section stay with it', () => {
    const text = lines('Bootstrap: docker', 'From: a', '', '%post', '  make', '', '# Start the app', '%runscript', '  exec app');
    assert.equal(format(text), text.replace('  make', '    make').replace('  exec', '    exec'));
  });

  test('tabs when the editor indents with tabs; relative indentation is kept', () => {
    const text = lines('Bootstrap: docker', 'From: a', '', '%post', '  if true; then', '      echo x', '  fi');
    assert.equal(format(text, { tabSize: 4, insertSpaces: false }), lines('Bootstrap: docker', 'From: a', '', '%post', '\tif true; then', '\t\techo x', '\tfi'));
  });

  test('data sections (%files, %labels, %arguments) are re-indented too', () => {
    const text = lines('Bootstrap: docker', 'From: a', '%arguments', 'V=1', '%labels', '\tAuthor me', '%files', '        a /a');
    assert.equal(
      format(text),
      lines('Bootstrap: docker', 'From: a', '', '%arguments', '    V=1', '', '%labels', '    Author me', '', '%files', '    a /a'),
    );
  });

  test('formatting is idempotent and CRLF files keep CRLF', () => {
    const text = 'Bootstrap:docker\r\nFrom: a\r\n%post\r\n  make\r\n';
    const once = format(text);
    assert.equal(once, 'Bootstrap: docker\r\nFrom: a\r\n\r\n%post\r\n    make\r\n');
    assert.equal(format(once), once);
  });

  test('adds the missing final line break and drops blank lines at the end', () => {
    assert.equal(format('Bootstrap: docker\nFrom: a\n\n%post\n    make\n\n\n'), 'Bootstrap: docker\nFrom: a\n\n%post\n    make\n');
    assert.equal(format('Bootstrap: docker\nFrom: a\n\n%post\n    make'), 'Bootstrap: docker\nFrom: a\n\n%post\n    make\n');
  });

  test('the edits turn the document into the formatted text, and a range keeps only its edits', () => {
    const text = lines('Bootstrap:docker', 'From: a', '%post', '  make', '%runscript', '  exec app');
    const recipe = parseDefinitionFile(text);
    const document = TextDocument.create('file:///x/Singularity', 'apptainer', 1, text);
    const edits = formatEdits(text, recipe, SPACES);
    assert.equal(TextDocument.applyEdits(document, edits), format(text));
    const inRunscript = formatEdits(text, recipe, SPACES, { start: 4, end: 5 });
    assert.ok(inRunscript.length > 0 && inRunscript.length < edits.length);
    assert.ok(inRunscript.every((edit) => edit.range.end.line >= 4));
    assert.deepEqual(formatEdits(format(text), parseDefinitionFile(format(text)), SPACES), []);
  });
});
