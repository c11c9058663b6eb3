// Test double for Docker DX in the e2e test: Dockerfile keyword completion, as its bundled language service offers.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS VS Code extension */
const vscode = require('vscode');

const KEYWORDS = ['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'RUN', 'SHELL', 'USER', 'VOLUME', 'WORKDIR'];

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider('dockerfile', {
      provideCompletionItems: () => KEYWORDS.map((keyword) => new vscode.CompletionItem(keyword, vscode.CompletionItemKind.Keyword)),
    }),
  );
};
