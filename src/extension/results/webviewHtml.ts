import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The webview's texts, translated here (the webview has no l10n of its own) and handed over as JSON. */
function webviewStrings(): Record<string, string> {
  return {
    loading: vscode.l10n.t('Reading the batch results…'),
    search: vscode.l10n.t('Filter by custom_id, request, response or error'),
    all: vscode.l10n.t('All'),
    succeeded: vscode.l10n.t('Succeeded'),
    failed: vscode.l10n.t('Failed'),
    missing: vscode.l10n.t('Missing'),
    requests: vscode.l10n.t('requests'),
    customId: vscode.l10n.t('custom_id'),
    status: vscode.l10n.t('Status'),
    httpStatus: vscode.l10n.t('HTTP'),
    request: vscode.l10n.t('Request'),
    response: vscode.l10n.t('Response'),
    tokens: vscode.l10n.t('Tokens'),
    error: vscode.l10n.t('Error'),
    errors: vscode.l10n.t('Errors by message'),
    clearGroup: vscode.l10n.t('Show all errors'),
    createFailed: vscode.l10n.t('Create Batch from Failed Requests'),
    createFailedNoInputs: vscode.l10n.t('The requests are unknown: open these results from their job, or join an input file first'),
    exportCsv: vscode.l10n.t('Export CSV'),
    copyId: vscode.l10n.t('Copy custom_id'),
    joinInput: vscode.l10n.t('Join Input File…'),
    joinInputHint: vscode.l10n.t('These results are shown alone: join them with the batch input file to see each request'),
    noRows: vscode.l10n.t('No request matches the filter.'),
    selectRow: vscode.l10n.t('Select a row to see its request and response.'),
    detail: vscode.l10n.t('Request and response'),
    noResponse: vscode.l10n.t('No response.'),
    toolCalls: vscode.l10n.t('Tool calls'),
    unmatched: vscode.l10n.t('{0} result lines match no request'),
    unreadable: vscode.l10n.t('{0} result lines could not be read'),
    shown: vscode.l10n.t('{0} of {1} shown'),
    joinedWith: vscode.l10n.t('Joined with {0}'),
    sortBy: vscode.l10n.t('Sort by {0}'),
    different: vscode.l10n.t('Different'),
    statusChanged: vscode.l10n.t('Status changed'),
    absent: vscode.l10n.t('Not in this job'),
    onlyIn: vscode.l10n.t('{0} only in the first job, {1} only in the second'),
    previous: vscode.l10n.t('Previous record'),
    next: vscode.l10n.t('Next record'),
    recordOf: vscode.l10n.t('Record {0} of {1}'),
    line: vscode.l10n.t('line {0}'),
    goToLine: vscode.l10n.t('Go to line'),
    notJson: vscode.l10n.t('This line is not JSON: {0}'),
    notChat: vscode.l10n.t('This record has no messages; shown as JSON.'),
    tools: vscode.l10n.t('Tools'),
    weightZero: vscode.l10n.t('weight 0: not trained on'),
    emptyFile: vscode.l10n.t('This file has no records.'),
    records: vscode.l10n.t('Records'),
    recordsShown: vscode.l10n.t('{0} records'),
    turns: vscode.l10n.t('{0} turns'),
    lineNotJson: vscode.l10n.t('Not JSON'),
    noUserMessage: vscode.l10n.t('No user message'),
    hasErrors: vscode.l10n.t('Has errors'),
    hasWarnings: vscode.l10n.t('Has warnings'),
  };
}

export function resultsHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string, script: 'results.js' | 'compare.js' | 'conversations.js' = 'results.js'): string {
  const nonce = randomBytes(16).toString('base64');
  const media = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  // No remote resources: scripts only with this nonce (the strings, common.js shared by the pages, then the page's own
  // script), styles and the icon font only from the extension's own files.
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const strings = JSON.stringify(webviewStrings()).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${media('dist', 'codicons', 'codicon.css')}" rel="stylesheet">
<link href="${media('media', 'results', 'results.css')}" rel="stylesheet">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app" aria-busy="true"><p class="load-state">${escapeHtml(webviewStrings().loading)}</p></div>
<script nonce="${nonce}" id="strings" type="application/json">${strings}</script>
<script nonce="${nonce}" src="${media('media', 'results', 'common.js')}"></script>
<script nonce="${nonce}" src="${media('media', 'results', script)}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
