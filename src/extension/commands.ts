import * as vscode from 'vscode';
import { registerClearApiKey } from './account/clearApiKey';
import { registerSetApiKey } from './account/setApiKey';
import { registerShowLog } from './account/showLog';
import { registerBatchCancel } from './batch/commands/cancel';
import { registerBatchCopyJobId } from './batch/commands/copyJobId';
import { registerBatchCreate } from './batch/commands/create';
import { registerBatchDelete } from './batch/commands/delete';
import { registerBatchFilter } from './batch/commands/filter';
import { registerBatchLoadMore } from './batch/commands/loadMore';
import { registerBatchOpenResults } from './batch/commands/openResults';
import { registerBatchRefresh } from './batch/commands/refresh';
import { registerConvert } from './dataTools/convertCommand';
import { registerSplit } from './dataTools/splitCommand';
import type { Deps } from './deps';
import { registerDocumentCommands } from './documents/register';
import { registerBatchResults } from './results';
import { registerClearFilter } from './files/commands/clearFilter';
import { registerCopyFileId } from './files/commands/copyFileId';
import { registerCopySignedUrl } from './files/commands/copySignedUrl';
import { registerDelete } from './files/commands/delete';
import { registerDownload } from './files/commands/download';
import { registerFilter } from './files/commands/filter';
import { registerGoToFile } from './files/commands/goToFile';
import { registerLoadMore } from './files/commands/loadMore';
import { registerOpenFile } from './files/commands/openFile';
import { registerRefresh } from './files/commands/refresh';
import { registerSort } from './files/commands/sort';
import { registerUpload } from './files/commands/upload';
import { registerUploadFolder } from './files/commands/uploadFolder';
import { registerValidate } from './validation/validateCommand';

/** Every `mistral.*` command of package.json `contributes.commands`; the manifest test checks none is missing. */
export function registerCommands(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(
    // Account
    registerSetApiKey(deps),
    registerClearApiKey(deps),
    registerShowLog(deps),
    // Files
    registerRefresh(deps),
    registerFilter(deps),
    registerClearFilter(deps),
    registerOpenFile(deps),
    registerCopyFileId(deps),
    registerLoadMore(deps),
    registerUpload(deps),
    registerUploadFolder(deps),
    registerDownload(deps),
    registerDelete(deps),
    registerCopySignedUrl(deps),
    registerGoToFile(deps),
    registerSort(deps),
    // Validation
    registerValidate(deps),
    // Documents: Run OCR, Transcribe
    registerDocumentCommands(deps),
    // Data tools: Convert to Mistral JSONL, Split JSONL
    registerConvert(deps),
    registerSplit(deps),
    // Batch
    registerBatchRefresh(deps),
    registerBatchLoadMore(deps),
    registerBatchCreate(deps),
    registerBatchCancel(deps),
    registerBatchDelete(deps),
    registerBatchOpenResults(deps),
    registerBatchCopyJobId(deps),
    registerBatchFilter(deps),
    // Batch results viewer (custom editor) and View Batch Results
    registerBatchResults(deps),
  );
}
