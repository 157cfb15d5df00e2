// Compare Batch Results webview: two jobs side by side by custom_id, a virtualised table fetched a page at a time,
// and a detail pane with the request once and both answers next to each other. Plain script under a nonce CSP.
// @ts-check
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const strings = JSON.parse(document.getElementById('strings')?.textContent ?? '{}');
  const t = (key, ...args) => String(strings[key] ?? key).replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
  const ROW_HEIGHT = 24;
  const PAGE = 200;
  const OVERSCAN = 10;
  const ICONS = { succeeded: 'pass', failed: 'error', missing: 'question', absent: 'circle-slash' };

  const app = /** @type {HTMLElement} */ (document.getElementById('app'));
  let info = null;
  let query = vscode.getState()?.query ?? { text: '', show: 'all' };
  let generation = 0;
  let total = 0;
  let cache = new Map();
  const pending = new Set();
  const requests = new Map();
  let requestId = 0;
  let selectedPos = -1;
  let selectedIndex = -1;
  let viewport, spacer, rowsLayer, footer, detailPane, chips;

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = String(value);
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
    return node;
  }
  const icon = (name) => el('span', { className: `codicon codicon-${name}`, 'aria-hidden': 'true' });
  const statusCell = (side) => el('div', { role: 'gridcell', className: `cell status ${side.status}`, title: side.error ?? undefined }, icon(ICONS[side.status]), side.status === 'absent' ? t('absent') : t(side.status));

  function build() {
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
    spacer = el('div', { className: 'spacer' });
    rowsLayer = el('div', { className: 'rows' });
    viewport = el('div', { className: 'viewport', id: 'viewport', tabindex: '0', role: 'rowgroup', 'aria-label': info.title }, spacer, rowsLayer);
    viewport.addEventListener('scroll', render);
    viewport.addEventListener('keydown', onKey);
    footer = el('div', { className: 'footer', 'aria-live': 'polite' });
    detailPane = el('aside', { className: 'detail', id: 'detail', tabindex: '-1', 'aria-label': t('detail') }, el('p', { className: 'hint' }, t('selectRow')));
    app.replaceChildren(
      el('header', {},
        el('div', { className: 'title' }, icon('diff'), el('h1', {}, info.title)),
        el('div', { className: 'meta' }, `A: ${a.id} (${a.label}) · B: ${b.id} (${b.label}) · ${t('onlyIn', s.onlyA, s.onlyB)}`),
        el('div', { className: 'toolbar' }, el('div', { className: 'chips', role: 'group' }, chips), filter)),
      el('div', { className: 'main' },
        el('div', { className: 'table compare', role: 'grid', 'aria-rowcount': String(s.rows) },
          el('div', { className: 'thead', role: 'row' }, headers.map((label) => el('div', { role: 'columnheader', className: 'cell' }, label))), viewport, footer),
        detailPane),
    );
    app.setAttribute('aria-busy', 'false');
    new ResizeObserver(render).observe(viewport);
    refresh();
  }

  function setQuery(change) {
    query = { ...query, ...change };
    vscode.setState({ query });
    for (const chip of chips) chip.setAttribute('aria-pressed', String(chip.dataset.show === query.show));
    refresh();
  }

  function refresh() {
    generation++;
    cache = new Map();
    pending.clear();
    selectedPos = -1;
    viewport.scrollTop = 0;
    total = 0;
    fetchPage(0);
  }

  function fetchPage(offset) {
    if (pending.has(offset)) return;
    pending.add(offset);
    const id = ++requestId;
    requests.set(id, { generation, offset });
    vscode.postMessage({ type: 'page', requestId: id, query, offset, limit: PAGE });
  }

  function render() {
    if (!viewport) return;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total - 1, Math.ceil((viewport.scrollTop + (viewport.clientHeight || 400)) / ROW_HEIGHT) + OVERSCAN);
    const nodes = [];
    for (let pos = first; pos <= last; pos++) {
      const row = cache.get(pos);
      if (!row) {
        fetchPage(Math.floor(pos / PAGE) * PAGE);
        continue;
      }
      const node = el('div', {
        role: 'row', id: `row-${pos}`, className: `row${row.same ? ' same' : ' differs'}${pos === selectedPos ? ' selected' : ''}`,
        'aria-selected': String(pos === selectedPos), 'data-custom-id': row.custom_id ?? '', onclick: () => select(pos),
      },
      el('div', { role: 'gridcell', className: 'cell num' }, String(row.index + 1)),
      el('div', { role: 'gridcell', className: 'cell', title: row.custom_id ?? '' }, row.custom_id ?? ''),
      el('div', { role: 'gridcell', className: 'cell', title: row.request }, row.request),
      statusCell(row.a), el('div', { role: 'gridcell', className: 'cell response-a', title: row.a.error ?? row.a.response }, row.a.error ?? row.a.response),
      statusCell(row.b), el('div', { role: 'gridcell', className: 'cell response-b', title: row.b.error ?? row.b.response }, row.b.error ?? row.b.response));
      node.style.top = `${pos * ROW_HEIGHT}px`;
      nodes.push(node);
    }
    rowsLayer.replaceChildren(...nodes);
    viewport.setAttribute('aria-activedescendant', selectedPos >= 0 ? `row-${selectedPos}` : '');
  }

  function select(pos) {
    if (total === 0) return;
    selectedPos = Math.max(0, Math.min(total - 1, pos));
    const top = selectedPos * ROW_HEIGHT;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
    render();
    const row = cache.get(selectedPos);
    if (row) {
      selectedIndex = row.index;
      vscode.postMessage({ type: 'detail', index: row.index });
    }
  }

  function onKey(event) {
    const pageRows = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows };
    if (event.key in moves) select((selectedPos < 0 ? -1 : selectedPos) + moves[event.key]);
    else if (event.key === 'Home') select(0);
    else if (event.key === 'End') select(total - 1);
    else if ((event.ctrlKey || event.metaKey) && event.key === 'c' && selectedIndex >= 0) vscode.postMessage({ type: 'copyId', index: selectedIndex });
    else return;
    event.preventDefault();
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
    if (message.index !== selectedIndex) return;
    const request = message.a?.request ?? message.b?.request;
    const messages = Array.isArray(request?.messages) ? request.messages.map((m) => bubble(m)) : request === undefined ? [] : [el('pre', { className: 'json' }, JSON.stringify(request, null, 2))];
    detailPane.replaceChildren(
      el('div', { className: 'detail-head' }, el('code', { className: 'custom-id' }, message.a?.custom_id ?? message.b?.custom_id ?? '—'),
        el('button', { className: 'icon', title: t('copyId'), 'aria-label': t('copyId'), onclick: () => vscode.postMessage({ type: 'copyId', index: message.index }) }, icon('copy'))),
      el('h3', {}, t('request')), ...messages,
      el('div', { className: 'sides' }, answer('A', message.a), answer('B', message.b)),
    );
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message?.type === 'ready') {
      info = message;
      build();
    } else if (message?.type === 'page') {
      const request = requests.get(message.requestId);
      requests.delete(message.requestId);
      if (!request || request.generation !== generation) return;
      pending.delete(request.offset);
      total = message.total;
      message.rows.forEach((row, i) => cache.set(message.offset + i, row));
      spacer.style.height = `${total * ROW_HEIGHT}px`;
      footer.textContent = total === 0 ? t('noRows') : t('shown', total.toLocaleString(), info.stats.rows.toLocaleString());
      render();
    } else if (message?.type === 'detail') onDetail(message);
  });
  vscode.postMessage({ type: 'init' });
})();
