// What the Batch Results, Compare Batch Results and Conversations webviews share: the VS Code API handle, the texts,
// element building, message plumbing with the extension and the paged virtual list. Loaded before each page's own
// script under the same nonce CSP; a plain script that leaves one namespace, window.mistralWebview.
// @ts-check
(function () {
  'use strict';
  // acquireVsCodeApi may be called once per page: the pages use this handle.
  const vscode = acquireVsCodeApi();
  const strings = JSON.parse(document.getElementById('strings')?.textContent ?? '{}');
  /** The text for key (translated by the extension), with {0}, {1}… replaced by args. */
  const t = (key, ...args) => String(strings[key] ?? key).replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));

  /** An element: className, on<event> listeners, other attributes (true as a bare attribute; undefined/null/false left out). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = String(value);
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
    return node;
  }
  const icon = (name) => el('span', { className: `codicon codicon-${name}`, 'aria-hidden': 'true' });

  /**
   * A message's content as nodes: text, images (data: shown, remote named only: the CSP loads nothing from the
   * network), documents, anything else through json. `thinking` shows thinking chunks as text; `bareImage` also reads
   * a chunk's `image` field.
   */
  function contentNodes(content, json, { thinking = false, bareImage = false } = {}) {
    if (typeof content === 'string') return [el('div', { className: 'text' }, content)];
    if (!Array.isArray(content)) return content === null || content === undefined ? [] : [json(content)];
    return content.map((chunk) => {
      if (typeof chunk === 'string') return el('div', { className: 'text' }, chunk);
      if (chunk && typeof chunk.text === 'string') return el('div', { className: 'text' }, chunk.text);
      if (thinking && chunk && typeof chunk.thinking === 'string') return el('div', { className: 'text thinking' }, chunk.thinking);
      const url = chunk?.image_url?.url ?? chunk?.image_url ?? (bareImage ? chunk?.image : undefined);
      if (typeof url === 'string') return url.startsWith('data:image/') ? el('img', { src: url, alt: '' }) : el('div', { className: 'attachment' }, icon('file-media'), url);
      if (typeof chunk?.document_url === 'string') return el('div', { className: 'attachment' }, icon('file-pdf'), chunk.document_url);
      return json(chunk);
    });
  }

  /** The extension could not load the page's data: say why in place of the page. */
  function showFailed(message) {
    app.setAttribute('aria-busy', 'false');
    app.replaceChildren(el('p', { className: 'load-state load-failed', role: 'alert' }, icon('error'), message.message));
  }

  /** Routes the extension's messages by type to handlers[type], then asks the extension for the page's data. */
  function connect(handlers) {
    window.addEventListener('message', (event) => {
      const message = event.data;
      const type = message?.type;
      if (typeof type === 'string' && Object.prototype.hasOwnProperty.call(handlers, type)) handlers[type](message);
    });
    vscode.postMessage({ type: 'init' });
  }

  const ROW_HEIGHT = 24;
  const PAGE = 200;
  const OVERSCAN = 10;
  // Page requests are numbered for the page, not for one list: a list built again (after a reload) ignores the
  // answers to the requests of the one it replaces.
  let generation = 0;
  let requestId = 0;
  const requests = new Map();

  /**
   * A virtualised table body: only the rows in view exist in the DOM, fetched PAGE rows at a time from the extension
   * ({ type: 'page', requestId, query, offset, limit } answered by a 'page' message with total, offset and rows).
   * Arrow keys, Page Up/Down, Home and End select; Ctrl/Cmd+C copies the selected row's custom_id.
   *
   * options: label (the viewport's aria-label), rowCount (the footer's "of"), footer(total) (the footer's text in place
   * of "x of y shown"), query() (sent with every page request),
   * renderRow(row, pos, selected) (the row's node; its top is set here), onSelect(row) (after a row is selected),
   * onKey(event) (more keys; returns true when it handled one), selectedIndex (a row index selected before),
   * keepSelection (select that row again when a page lists it).
   */
  function createVirtualList(options) {
    let total = 0;
    /** Rows of the current query by position. */
    let cache = new Map();
    /** The rows before a refresh that keeps its place, shown until their fresh page arrives so nothing flickers. */
    let stale = new Map();
    const pending = new Set();
    let selectedPos = -1;
    /** A row selected before its page arrived (End, a long jump): onSelect runs when it does. */
    let selectWaiting = false;

    const spacer = el('div', { className: 'spacer' });
    const rowsLayer = el('div', { className: 'rows' });
    const viewport = el('div', { className: 'viewport', id: 'viewport', tabindex: '0', role: 'rowgroup', 'aria-label': options.label }, spacer, rowsLayer);
    viewport.addEventListener('scroll', () => render());
    viewport.addEventListener('keydown', onKey);
    const footer = el('div', { className: 'footer', 'aria-live': 'polite' });
    new ResizeObserver(() => render()).observe(viewport);

    const list = {
      viewport, footer, render, refresh, select, onPage,
      selectedIndex: typeof options.selectedIndex === 'number' ? options.selectedIndex : -1,
      hasSelection: () => selectedPos >= 0,
    };

    /** Fetches the rows again; keepPlace keeps the scroll position and selection (same rows, fresher contents). */
    function refresh(keepPlace = false) {
      generation++;
      stale = keepPlace ? cache : new Map();
      cache = new Map();
      pending.clear();
      if (keepPlace) {
        render();
        return;
      }
      selectedPos = -1;
      selectWaiting = false;
      viewport.scrollTop = 0;
      total = 0;
      fetchPage(0);
    }

    function fetchPage(offset) {
      if (pending.has(offset)) return;
      pending.add(offset);
      const id = ++requestId;
      requests.set(id, { generation, offset });
      vscode.postMessage({ type: 'page', requestId: id, query: options.query(), offset, limit: PAGE });
    }

    function onPage(message) {
      const request = requests.get(message.requestId);
      requests.delete(message.requestId);
      if (!request || request.generation !== generation) return;
      pending.delete(request.offset);
      total = message.total;
      message.rows.forEach((row, i) => cache.set(message.offset + i, row));
      spacer.style.height = `${total * ROW_HEIGHT}px`;
      footer.textContent = options.footer ? options.footer(total) : total === 0 ? t('noRows') : t('shown', total.toLocaleString(), options.rowCount.toLocaleString());
      if (options.keepSelection && selectedPos < 0 && list.selectedIndex >= 0) {
        // Keep the row that was selected (after a filter change or a reload) when it is still listed.
        for (const [pos, row] of cache) if (row.index === list.selectedIndex) selectedPos = pos;
      }
      render();
      if (selectWaiting && cache.has(selectedPos)) notifySelected();
    }

    function render() {
      const height = viewport.clientHeight || 400;
      const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
      const last = Math.min(total - 1, Math.ceil((viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
      const rows = [];
      for (let pos = first; pos <= last; pos++) {
        let row = cache.get(pos);
        if (!row) {
          fetchPage(Math.floor(pos / PAGE) * PAGE);
          row = stale.get(pos);
          if (!row) continue;
        }
        const node = options.renderRow(row, pos, pos === selectedPos);
        node.style.top = `${pos * ROW_HEIGHT}px`;
        rows.push(node);
      }
      rowsLayer.replaceChildren(...rows);
      viewport.setAttribute('aria-activedescendant', selectedPos >= 0 ? `row-${selectedPos}` : '');
    }

    function select(pos) {
      if (total === 0) return;
      selectedPos = Math.max(0, Math.min(total - 1, pos));
      const top = selectedPos * ROW_HEIGHT;
      if (top < viewport.scrollTop) viewport.scrollTop = top;
      else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
      render();
      notifySelected();
    }

    function notifySelected() {
      const row = cache.get(selectedPos);
      selectWaiting = !row;
      if (row) {
        list.selectedIndex = row.index;
        options.onSelect(row);
      }
    }

    function onKey(event) {
      const pageRows = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 1);
      const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows };
      if (event.key in moves) select((selectedPos < 0 ? -1 : selectedPos) + moves[event.key]);
      else if (event.key === 'Home') select(0);
      else if (event.key === 'End') select(total - 1);
      else if ((event.ctrlKey || event.metaKey) && event.key === 'c' && list.selectedIndex >= 0) vscode.postMessage({ type: 'copyId', index: list.selectedIndex });
      else if (!options.onKey?.(event)) return;
      event.preventDefault();
    }

    return list;
  }

  // @ts-ignore: the pages' shared namespace
  window.mistralWebview = { vscode, t, app, el, icon, contentNodes, showFailed, connect, createVirtualList };
})();
