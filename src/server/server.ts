// Entry of the language server bundle (dist/server.js): started by the extension over IPC, or by
// tests and the benchmark with --stdio.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { SpecLanguageServer } from './specLanguageServer';

new SpecLanguageServer(createConnection(ProposedFeatures.all)).listen();
