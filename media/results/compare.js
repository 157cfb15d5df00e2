// Compare Batch Results webview: two jobs side by side by custom_id, a virtualised table fetched a page at a time,
// and a detail pane with the request once and both answers next to each other. Plain script under a nonce CSP, after
// common.js (el, t, the paged list, the message plumbing).
// @ts-check
(function () {
  'use strict';
  // @ts-ignore: defined by common.js
  const { vscode, t, app, el, icon, connect, createVirtualList } = window.mistralWebview;
  const ICONS = { succeeded: 'pass', failed: 'error', missing: 'question', absent: 'circle-slash' };

  let info = null;
  let query = vscode.getState()?.query ?? { text: '', show: 'all' };
  /** The paged rows (common.js). */
  let list = null;
  let detailPane, chips;

  const statusCell = (side) => el('div', { role: 'gridcell', className: `cell status ${side.status}`, title: side.error ?? undefined }, icon(ICONS[side.status]), side.status === 'absent' ? t('absent') : t(side.status));

  function build(message) {
    info = message;
    const s = info.stats;
    chips = [['all', t('all'), s.rows], ['different', t('different'), s.different], ['statusChanged', t('statusChanged'), s.statusChanged]].map(([show, label, count]) =>
      el('button', { className: `chip ${show}`, 'data-show': show, 'aria-pressed': String(query.show === show), onclick: () => setQuery({ show }) }, el('span', { className: 'label' }, label), el('span', { className: 'count' }, count.toLocaleString())));
    const filter = el('input', { id: 'filter', type: 'search', placeholder: t('search'), 'aria-label': t('search'), value: query.text ?? '' });
    let debounce;
    filter.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => setQuery({ text: filter.value }), 150);
    });
    const [a, b] = info.jobs;
    const headers = ['#', t('customId'), t('request'), `A · ${t('status')}`, `A · ${t('response')}`, `B · ${t('status')}`, `B · ${t('response')}`];
    list = createVirtualList({
      label: info.title, rowCount: s.rows, query: () => query, renderRow, selectedIndex: list?.selectedIndex,
      onSelect: (row) => vscode.postMessage({ type: 'detail', index: row.index }),
    });
    detailPane = el('aside', { className: 'detail', id: 'detail', tabindex: '-1', 'aria-label': t('detail') }, el('p', { className: 'hint' }, t('selectRow')));
    app.replaceChildren(
      el('header', {},
        el('div', { className: 'title' }, icon('diff'), el('h1', {}, info.title)),
        el('div', { className: 'meta' }, `A: ${a.id} (${a.label}) · B: ${b.id} (${b.label}) · ${t('onlyIn', s.onlyA, s.onlyB)}`),
        el('div', { className: 'toolbar' }, el('div', { className: 'chips', role: 'group' }, chips), filter)),
      el('div', { className: 'main' },
        el('div', { className: 'table compare', role: 'grid', 'aria-rowcount': String(s.rows) },
          el('div', { className: 'thead', role: 'row' }, headers.map((label) => el('div', { role: 'columnheader', className: 'cell' }, label))), list.viewport, list.footer),
        detailPane),
    );
    app.setAttribute('aria-busy', 'false');
    list.refresh();
  }

  function setQuery(change) {
    query = { ...query, ...change };
    vscode.setState({ query });
    for (const chip of chips) chip.setAttribute('aria-pressed', String(chip.dataset.show === query.show));
    list.refresh();
  }

  function renderRow(row, pos, selected) {
    return el('div', {
      role: 'row', id: `row-${pos}`, className: `row${row.same ? ' same' : ' differs'}${selected ? ' selected' : ''}`,
      'aria-selected': String(selected), 'data-custom-id': row.custom_id ?? '', onclick: () => list.select(pos),
    },
    el('div', { role: 'gridcell', className: 'cell num' }, String(row.index + 1)),
    el('div', { role: 'gridcell', className: 'cell', title: row.custom_id ?? '' }, row.custom_id ?? ''),
    el('div', { role: 'gridcell', className: 'cell', title: row.request }, row.request),
    statusCell(row.a), el('div', { role: 'gridcell', className: 'cell response-a', title: row.a.error ?? row.a.response }, row.a.error ?? row.a.response),
    statusCell(row.b), el('div', { role: 'gridcell', className: 'cell response-b', title: row.b.error ?? row.b.response }, row.b.error ?? row.b.response));
  }

  function text(content) {
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) return content.map((chunk) => (typeof chunk === 'string' ? chunk : typeof chunk?.text === 'string' ? chunk.text : `[${chunk?.type ?? 'chunk'}]`)).join(' ');
    return content === null || content === undefined ? '' : JSON.stringify(content, null, 2);
  }

  function bubble(message, cls = '') {
    const calls = Array.isArray(message?.tool_calls) ? message.tool_calls.map((call) => `${call?.function?.name ?? 'tool'}(${typeof call?.function?.arguments === 'string' ? call.function.arguments : JSON.stringify(call?.function?.arguments ?? {})})`) : [];
    return el('div', { className: `bubble ${message?.role ?? 'message'} ${cls}` }, el('div', { className: 'role' }, message?.role ?? ''), el('div', { className: 'text' }, text(message?.content)), calls.map((call) => el('pre', { className: 'tool' }, call)));
  }

  function answer(label, detail) {
    const body = detail?.response;
    const nodes = !detail ? [el('p', { className: 'hint' }, t('absent'))]
      : detail.error ? [el('div', { className: 'error-box' }, icon('error'), detail.error.message)]
      : Array.isArray(body?.choices) ? body.choices.map((choice) => bubble(choice.message ?? { role: 'assistant', content: choice.text }, 'response'))
      : [el('pre', { className: 'json' }, JSON.stringify(body, null, 2)?.slice(0, 50_000) ?? '')];
    return el('section', { className: `side side-${label.toLowerCase()}` }, el('h3', {}, label), ...nodes);
  }

  function onDetail(message) {
    if (message.index !== list.selectedIndex) return;
    const request = message.a?.request ?? message.b?.request;
    const messages = Array.isArray(request?.messages) ? request.messages.map((m) => bubble(m)) : request === undefined ? [] : [el('pre', { className: 'json' }, JSON.stringify(request, null, 2))];
    detailPane.replaceChildren(
      el('div', { className: 'detail-head' }, el('code', { className: 'custom-id' }, message.a?.custom_id ?? message.b?.custom_id ?? '—'),
        el('button', { className: 'icon', title: t('copyId'), 'aria-label': t('copyId'), onclick: () => vscode.postMessage({ type: 'copyId', index: message.index }) }, icon('copy'))),
      el('h3', {}, t('request')), ...messages,
      el('div', { className: 'sides' }, answer('A', message.a), answer('B', message.b)),
    );
  }

  connect({
    ready: build,
    page: (message) => list?.onPage(message),
    detail: onDetail,
  });
})();
