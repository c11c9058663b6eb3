// Entry point of dist/server.js, the language server VS Code starts (`--node-ipc`) and other editors
// start with `--stdio` or `--socket=N`. `hpclint lsp` (dist/cli.js) starts the same server.
// First: V8 settings that must precede loading the server's modules (lsp/memory.ts).
import './lsp/startFlags';
import { startServer } from './lsp/server';

startServer();
