// The VS Code side of `policy lsp`: starts the server for `.policy` files
// and hands it to VS Code's language client. Everything a user sees
// (diagnostics, hover, completion, formatting, outline, quick fixes) comes
// from the server; highlighting comes from syntaxes/policy.tmLanguage.json.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function makeClient() {
  const config = vscode.workspace.getConfiguration('policy');
  const command = config.get('server.path') || 'policy';
  // No `transport`: the client then talks on the child's stdin and stdout
  // without adding a `--stdio` argument.
  const run = { command, args: ['lsp'] };
  return new LanguageClient(
    'policy',
    'Policy language server',
    { run, debug: run },
    {
      documentSelector: [
        { scheme: 'file', language: 'policy' },
        { scheme: 'untitled', language: 'policy' },
      ],
      initializationOptions: { debounceMs: config.get('server.debounceMs') },
    },
  );
}

async function start() {
  client = makeClient();
  try {
    await client.start();
  } catch (err) {
    const path = vscode.workspace.getConfiguration('policy').get('server.path');
    vscode.window.showErrorMessage(
      `Policy: could not start \`${path} lsp\` (${err && err.message ? err.message : err}). ` +
        'Install policy (cargo install --path . in its repository) or set "policy.server.path".',
    );
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('policy.restartServer', async () => {
      if (client) {
        await client.stop().catch(() => undefined);
      }
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('policy.server')) {
        vscode.commands.executeCommand('policy.restartServer');
      }
    }),
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
