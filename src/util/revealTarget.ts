import * as path from 'node:path';

/**
 * Where "reveal this downloaded file" can go: a path inside a workspace folder is shown in VS Code's own Explorer
 * (which also works in a browser-hosted VS Code); elsewhere only a desktop VS Code on this machine can open the OS
 * file manager, so a remote or web window offers no reveal at all rather than a button that does nothing.
 */
export function revealTarget(fsPath: string, workspaceFolders: readonly string[], desktopLocal: boolean, pathApi: path.PlatformPath = path): 'explorer' | 'os' | undefined {
  const inside = workspaceFolders.some((folder) => {
    const relative = pathApi.relative(folder, fsPath);
    return relative === '' || (!relative.startsWith('..') && !pathApi.isAbsolute(relative));
  });
  if (inside) return 'explorer';
  return desktopLocal ? 'os' : undefined;
}
