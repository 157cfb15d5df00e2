import * as vscode from 'vscode';
import type { CoreDeps } from '../coreDeps';
import { registerClearApiKey } from './clearApiKey';
import { registerClearFilter } from './clearFilter';
import { registerCopyFileId } from './copyFileId';
import { registerCopySignedUrl } from './copySignedUrl';
import { registerDelete } from './delete';
import { registerDownload } from './download';
import { registerFilter } from './filter';
import { registerLoadMore } from './loadMore';
import { registerOpenFile } from './openFile';
import { registerRefresh } from './refresh';
import { registerSetApiKey } from './setApiKey';
import { registerShowLog } from './showLog';
import { registerUpload } from './upload';
import { registerValidate } from './validate';

/** Every `mistral.*` command of package.json `contributes.commands`; the manifest test checks none is missing. */
export function registerCommands(deps: CoreDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerSetApiKey(deps),
    registerClearApiKey(deps),
    registerRefresh(deps),
    registerFilter(deps),
    registerClearFilter(deps),
    registerOpenFile(deps),
    registerCopyFileId(deps),
    registerLoadMore(deps),
    registerShowLog(deps),
    registerUpload(deps),
    registerValidate(deps),
    registerDownload(deps),
    registerDelete(deps),
    registerCopySignedUrl(deps),
  );
}
