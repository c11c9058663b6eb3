// Entry point of dist/server.js, the language server VS Code starts (`--node-ipc`) and other editors
// start with `--stdio` or `--socket=N`. `hpclint lsp` (dist/cli.js) starts the same server.
import { startServer } from './lsp/server';

startServer();
