// The Batch Results webview: a virtualised table of joined rows (only the rows in view exist in the DOM, fetched a
// page at a time from the extension), status chips, error groups, and a detail pane that renders a request and its
// response as a conversation. Plain script, no framework: the page is small and the CSP allows only this file and
// common.js (loaded before it: el, t, the paged list, the message plumbing).
// @ts-check
(function () {
  'use strict';
  // @ts-ignore: defined by common.js
  const { vscode, t, app, el, icon, contentNodes, showFailed, connect, createVirtualList } = window.mistralWebview;

  const COLUMNS = [
    { key: 'index', label: '#', cls: 'num' },
    { key: 'custom_id', label: t('customId') },
    { key: 'status', label: t('status') },
    { key: 'status_code', label: t('httpStatus'), cls: 'num' },
    { key: 'request', label: t('request') },
    { key: 'response', label: t('response') },
    { key: 'tokens', label: t('tokens'), cls: 'num' },
    { key: 'error', label: t('error') },
  ];
  const STATUS_ICONS = { succeeded: 'pass', failed: 'error', missing: 'question' };

  const saved = vscode.getState() ?? {};
  /** What the table shows: sent with every page request; the extension keeps the matching order. */
  let query = saved.query ?? { text: '', statuses: [], error: undefined, sort: 'index', descending: false };
  let info = null;
  /** The paged rows (common.js); built again with the page. */
  let list = null;
  /** The row index selected before the list was (re)built. */
  let selectedIndex = typeof saved.selectedIndex === 'number' ? saved.selectedIndex : -1;

  function saveState() {
    vscode.setState({ query, selectedIndex: list ? list.selectedIndex : selectedIndex });
  }

  // ----- Layout ---------------------------------------------------------------------------------------------------
  let detailPane, groupsList, filterInput, chips, headerCells;

  function build(message) {
    info = message;
    app.replaceChildren();
    app.setAttribute('aria-busy', 'false');
    const stats = info.stats;
    const meta = info.job ? `${info.job.id} · ${info.job.endpoint}${info.job.model ? ` · ${info.job.model}` : ''}` : info.joinedWith ? t('joinedWith', info.joinedWith) : '';
    chips = [
      ['', t('all'), stats.requests],
      ['succeeded', t('succeeded'), stats.succeeded],
      ['failed', t('failed'), stats.failed],
      ['missing', t('missing'), stats.missing],
    ].map(([status, label, count]) =>
      el('button', { className: `chip ${status}`, 'data-status': status, 'aria-pressed': 'false', onclick: () => setStatus(status) },
        status ? icon(STATUS_ICONS[status]) : null, el('span', { className: 'label' }, label), el('span', { className: 'count' }, count.toLocaleString())));
    filterInput = el('input', { id: 'filter', type: 'search', placeholder: t('search'), 'aria-label': t('search'), value: query.text ?? '' });
    let debounce;
    filterInput.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => setQuery({ text: filterInput.value }), 150);
    });
    filterInput.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        list.viewport.focus();
        if (!list.hasSelection()) list.select(0);
      }
    });
    const failedCount = stats.failed + stats.missing;
    const createFailed = el('button', {
      id: 'createFailed', className: 'primary', disabled: !info.hasInputs || failedCount === 0,
      title: info.hasInputs ? t('createFailed') : t('createFailedNoInputs'),
      onclick: () => vscode.postMessage({ type: 'createFailed' }),
    }, icon('debug-restart'), t('createFailed'));
    const exportCsv = el('button', { id: 'exportCsv', onclick: () => vscode.postMessage({ type: 'exportCsv', query }) }, icon('export'), t('exportCsv'));
    const joinInput = !info.hasInputs && info.local
      ? el('button', { id: 'joinInput', title: t('joinInputHint'), onclick: () => vscode.postMessage({ type: 'joinInput' }) }, icon('link'), t('joinInput'))
      : null;
    const notices = [];
    if (stats.unmatchedResults > 0) notices.push(t('unmatched', stats.unmatchedResults));
    if (stats.unreadableResults > 0) notices.push(t('unreadable', stats.unreadableResults));
    if (!info.hasInputs) notices.push(t('joinInputHint'));

    groupsList = el('ul', { className: 'groups', 'aria-label': t('errors') });
    const groups = info.groups.length > 0 ? el('section', { className: 'errors' }, el('h2', {}, icon('warning'), t('errors')), groupsList) : null;

    headerCells = COLUMNS.map((column) =>
      el('div', { role: 'columnheader', className: `cell ${column.key} ${column.cls ?? ''}`, 'data-key': column.key },
        el('button', { title: t('sortBy', column.label), onclick: () => sortBy(column.key) }, column.label, el('span', { className: 'sort' }))));
    if (list) selectedIndex = list.selectedIndex;
    list = createVirtualList({
      label: info.title, rowCount: info.rowCount, query: () => query, renderRow, onKey,
      selectedIndex, keepSelection: true,
      onSelect: (row) => {
        saveState();
        vscode.postMessage({ type: 'detail', index: row.index });
      },
    });
    detailPane = el('aside', { className: 'detail', id: 'detail', 'aria-label': t('detail'), tabindex: '-1' }, el('p', { className: 'hint' }, t('selectRow')));

    app.append(...[
      el('header', {},
        el('div', { className: 'title' }, icon('table'), el('h1', {}, info.title), el('span', { className: 'meta' }, meta)),
        el('div', { className: 'toolbar' }, el('div', { className: 'chips', role: 'group' }, chips), filterInput, createFailed, exportCsv, joinInput)),
      notices.length > 0 ? el('div', { className: 'notice' }, icon('info'), notices.join(' · ')) : null,
      groups,
      el('div', { className: 'main' },
        el('div', { className: 'table', role: 'grid', 'aria-rowcount': String(stats.requests) },
          el('div', { className: 'thead', role: 'row' }, headerCells), list.viewport, list.footer),
        detailPane),
    ].filter(Boolean));
    renderControls();
    list.refresh();
  }

  function renderControls() {
    const status = query.statuses?.[0] ?? '';
    for (const chip of chips) chip.setAttribute('aria-pressed', String(chip.dataset.status === status && !query.error));
    groupsList.replaceChildren(...info.groups.map((group) =>
      el('li', {}, el('button', {
        className: 'group', 'aria-pressed': String(query.error === group.message), 'data-message': group.message,
        title: group.message, onclick: () => setQuery({ error: query.error === group.message ? undefined : group.message, statuses: [] }),
      }, el('span', { className: 'count' }, `${group.count.toLocaleString()} ×`), el('span', { className: 'message' }, group.message)))));
    for (const cell of headerCells) {
      const sorted = cell.dataset.key === query.sort;
      cell.setAttribute('aria-sort', sorted ? (query.descending ? 'descending' : 'ascending') : 'none');
      const arrow = cell.querySelector('.sort');
      // An empty codicon still takes an icon's width, so the class is set only on the sorted column.
      arrow.className = sorted ? `sort codicon ${query.descending ? 'codicon-arrow-down' : 'codicon-arrow-up'}` : 'sort';
    }
  }

  // ----- Query and paging -----------------------------------------------------------------------------------------
  function setStatus(status) {
    setQuery({ statuses: status ? [status] : [], error: undefined });
  }

  function sortBy(key) {
    setQuery(query.sort === key ? { descending: !query.descending } : { sort: key, descending: false });
  }

  function setQuery(change) {
    query = { ...query, ...change };
    saveState();
    renderControls();
    list.refresh();
  }

  function renderRow(row, pos, selected) {
    const cells = COLUMNS.map((column) => {
      let value = row[column.key];
      if (column.key === 'index') value = row.index + 1;
      const content = column.key === 'status'
        ? [icon(STATUS_ICONS[row.status]), t(row.status)]
        : [value === null || value === undefined ? '' : typeof value === 'number' ? value.toLocaleString() : value];
      return el('div', { role: 'gridcell', className: `cell ${column.key} ${column.cls ?? ''}`, title: typeof value === 'string' ? value : undefined }, ...content);
    });
    return el('div', {
      role: 'row', id: `row-${pos}`, className: `row ${row.status}${selected ? ' selected' : ''}`,
      'aria-selected': String(selected), 'aria-rowindex': String(pos + 1), 'data-custom-id': row.custom_id ?? '',
      onclick: () => list.select(pos), ondblclick: () => detailPane.focus(),
    }, cells);
  }

  /** The keys the table adds to the list's (arrows, pages, Home, End, Ctrl+C): Enter to the detail, / and Ctrl+F to the filter. */
  function onKey(event) {
    if (event.key === 'Enter') detailPane.focus();
    else if (event.key === '/' || ((event.ctrlKey || event.metaKey) && event.key === 'f')) filterInput.focus();
    else return false;
    return true;
  }

  // ----- Detail: a request and its response as a conversation ----------------------------------------------------
  const MAX_JSON = 50_000;

  function json(value) {
    const text = JSON.stringify(value, (key, v) => (Array.isArray(v) && v.length > 16 && v.every((x) => typeof x === 'number') ? `[${v.slice(0, 8).join(', ')}, … ${v.length} numbers]` : v), 2) ?? 'null';
    return el('pre', { className: 'json' }, text.length > MAX_JSON ? `${text.slice(0, MAX_JSON)}\n…` : text);
  }

  function toolCalls(calls) {
    if (!Array.isArray(calls) || calls.length === 0) return null;
    return el('div', { className: 'tools' }, el('div', { className: 'tools-title' }, icon('tools'), t('toolCalls')),
      calls.map((call) => el('pre', { className: 'tool' }, `${call?.function?.name ?? 'tool'}(${typeof call?.function?.arguments === 'string' ? call.function.arguments : JSON.stringify(call?.function?.arguments ?? {})})`)));
  }

  function bubble(message, extraClass = '') {
    const role = typeof message?.role === 'string' ? message.role : 'message';
    const marks = message?.weight === 0 ? ' weight-0' : '';
    return el('div', { className: `bubble ${role}${marks} ${extraClass}` },
      el('div', { className: 'role' }, role, message?.name ? ` · ${message.name}` : '', message?.tool_call_id ? ` · ${message.tool_call_id}` : ''),
      ...contentNodes(message?.content, json), toolCalls(message?.tool_calls));
  }

  function requestNodes(request) {
    if (request === undefined) return [el('p', { className: 'hint' }, t('joinInputHint'))];
    if (request && Array.isArray(request.messages)) {
      const params = Object.entries(request).filter(([key]) => key !== 'messages' && key !== 'tools');
      return [
        params.length > 0 ? el('div', { className: 'params' }, params.map(([key, value]) => el('span', { className: 'param' }, `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`))) : null,
        ...request.messages.map((message) => bubble(message)),
      ];
    }
    return [json(request)];
  }

  function responseNodes(detail) {
    const response = detail.response;
    if (response === null || response === undefined) return [el('p', { className: 'hint' }, t('noResponse'))];
    if (Array.isArray(response.choices)) {
      const usage = response.usage ? el('div', { className: 'params' }, Object.entries(response.usage).filter(([, v]) => v !== null).map(([k, v]) => el('span', { className: 'param' }, `${k}: ${v}`))) : null;
      return [...response.choices.map((choice) => bubble(choice.message ?? { role: 'assistant', content: choice.text }, 'response')), usage];
    }
    return [json(response)];
  }

  function onDetail(message) {
    const detail = message.detail;
    if (detail.index !== list.selectedIndex) return;
    detailPane.replaceChildren(
      el('div', { className: 'detail-head' },
        el('span', { className: `badge ${detail.status}` }, icon(STATUS_ICONS[detail.status]), t(detail.status)),
        detail.status_code !== null ? el('span', { className: 'code' }, `HTTP ${detail.status_code}`) : null,
        el('code', { className: 'custom-id' }, detail.custom_id ?? '—'),
        el('button', { className: 'icon', title: t('copyId'), 'aria-label': t('copyId'), onclick: () => vscode.postMessage({ type: 'copyId', index: detail.index }) }, icon('copy'))),
      detail.error ? el('div', { className: 'error-box', role: 'alert' }, icon('error'), detail.error.message) : null,
      el('h3', {}, t('request')),
      ...requestNodes(detail.request),
      el('h3', {}, t('response')),
      ...responseNodes(detail),
    );
  }

  connect({
    ready: build,
    page: (message) => list?.onPage(message),
    detail: onDetail,
    loading: () => {
      app.setAttribute('aria-busy', 'true');
      app.replaceChildren(el('p', { className: 'load-state' }, t('loading')));
    },
    failed: showFailed,
  });
})();
