// Conversations webview: one JSONL record at a time as a chat — roles as bubbles, system prompt, tool calls and tool
// results, images, weight-0 turns marked, the record's validation problems above it — beside a virtualised list of
// the records. Only the record in view, and the list's rows in view, are fetched from the extension. Plain script
// under a nonce CSP, after common.js (el, t, the message plumbing, the paged list).
// @ts-check
(function () {
  'use strict';
  // @ts-ignore: defined by common.js
  const { vscode, t, app, el, icon, contentNodes, showFailed, connect, createVirtualList } = window.mistralWebview;
  let position = vscode.getState()?.position ?? 0;
  let count = 0;
  let title = '';
  let status, body, lineInput, prevButton, nextButton;
  /** The records list (common.js): one row per record, paged from the extension. */
  let list = null;
  /**
   * The position last asked for, or null after Go to line (the extension picks it). An answer for another position
   * is an older request overtaken by a newer one (keys held down): showing it would jump the selection back.
   */
  let wanted = null;

  const json = (value) => el('pre', { className: 'json' }, (JSON.stringify(value, null, 2) ?? 'null').slice(0, 100_000));

  function bubble(message) {
    const role = typeof message?.role === 'string' ? message.role : 'message';
    const calls = Array.isArray(message?.tool_calls) ? message.tool_calls : [];
    return el('div', { className: `bubble ${role}${message?.weight === 0 ? ' weight-0' : ''}` },
      el('div', { className: 'role' }, role, message?.name ? ` · ${message.name}` : '', message?.tool_call_id ? ` · ${message.tool_call_id}` : '',
        message?.weight === 0 ? el('span', { className: 'weight-note' }, ` · ${t('weightZero')}`) : null),
      ...contentNodes(message?.content, json, { thinking: true, bareImage: true }),
      calls.length > 0 ? el('div', { className: 'tools' }, calls.map((call) => el('pre', { className: 'tool' },
        `${call?.id ? `${call.id}: ` : ''}${call?.function?.name ?? 'tool'}(${typeof call?.function?.arguments === 'string' ? call.function.arguments : JSON.stringify(call?.function?.arguments ?? {})})`))) : null);
  }

  function conversation(value) {
    const tools = Array.isArray(value.tools) && value.tools.length > 0
      ? el('details', { className: 'tool-list' }, el('summary', {}, icon('tools'), ` ${t('tools')} (${value.tools.length})`),
        value.tools.map((tool) => el('div', { className: 'param' }, `${tool?.function?.name ?? '?'} — ${tool?.function?.description ?? ''}`)))
      : null;
    return [tools, ...value.messages.map(bubble)];
  }

  function renderRecord(message) {
    if (wanted !== null && message.position !== wanted) return;
    wanted = null;
    position = message.position;
    count = message.count;
    vscode.setState({ position });
    status.textContent = `${t('recordOf', (position + 1).toLocaleString(), count.toLocaleString())} · ${t('line', message.line)}`;
    prevButton.disabled = position === 0;
    nextButton.disabled = position >= count - 1;
    const problems = message.problems.map((problem) => el('div', { className: `problem ${problem.severity === 'error' ? 'error-box' : 'warning-box'}`, role: 'alert' }, icon(problem.severity), problem.message));
    const value = message.value;
    let nodes;
    if (message.error !== undefined) nodes = [el('div', { className: 'error-box' }, icon('error'), t('notJson', message.error))];
    else if (value && Array.isArray(value.messages)) nodes = conversation(value);
    else if (value && value.body && Array.isArray(value.body.messages)) {
      const params = Object.entries(value.body).filter(([key]) => key !== 'messages' && key !== 'tools');
      nodes = [el('div', { className: 'params' }, el('code', { className: 'custom-id' }, String(value.custom_id ?? '—')),
        params.map(([key, v]) => el('span', { className: 'param' }, `${key}: ${typeof v === 'string' ? v : JSON.stringify(v)}`))), ...conversation(value.body)];
    } else nodes = [el('p', { className: 'hint' }, t('notChat')), json(value)];
    body.replaceChildren(...[...problems, ...nodes].filter(Boolean));
    body.scrollTop = 0;
    // Whatever moved the record (toolbar, ←/→, Go to line), the list follows; its onSelect sees the same position.
    list?.select(position);
  }

  function go(target) {
    if (count === 0) return;
    wanted = Math.max(0, Math.min(count - 1, target));
    vscode.postMessage({ type: 'record', position: wanted });
  }

  function renderRow(row, pos, selected) {
    const problem = row.problem === 'error' || row.problem === 'warning' ? row.problem : null;
    const preview = row.notJson ? t('lineNotJson') : row.preview || t('noUserMessage');
    const turns = t('turns', row.turns.toLocaleString());
    const problemText = problem === 'error' ? t('hasErrors') : problem === 'warning' ? t('hasWarnings') : '';
    return el('div', {
      role: 'option', id: `row-${pos}`, className: `row${selected ? ' selected' : ''}${problem ? ` ${problem}` : ''}`,
      'aria-selected': String(selected), 'data-line': String(row.line),
      title: [`${t('line', row.line)}: ${preview}`, turns, problemText].filter(Boolean).join(' · '),
      onclick: () => list.select(pos),
    },
    el('span', { className: 'cell num line-number' }, row.line.toLocaleString()),
    el('span', { className: 'cell problem-icon' }, problem ? icon(problem) : null),
    el('span', { className: `cell preview${row.notJson || !row.preview ? ' hint' : ''}` }, preview),
    el('span', { className: 'cell num turns', 'aria-label': turns }, row.turns.toLocaleString()));
  }

  /** The list adds Enter (to the conversation) to its own keys; ←/→ and the others reach the page's handler. */
  function onListKey(event) {
    if (event.key !== 'Enter') return false;
    body.focus();
    return true;
  }

  function build(message) {
    title = message.title;
    count = message.count;
    prevButton = el('button', { id: 'previous', title: t('previous'), 'aria-label': t('previous'), onclick: () => go(position - 1) }, icon('arrow-left'));
    nextButton = el('button', { id: 'next', title: t('next'), 'aria-label': t('next'), onclick: () => go(position + 1) }, icon('arrow-right'));
    status = el('span', { id: 'status', className: 'meta', 'aria-live': 'polite' });
    lineInput = el('input', { id: 'line', type: 'number', min: '1', placeholder: t('goToLine'), 'aria-label': t('goToLine') });
    lineInput.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || !lineInput.value) return;
      wanted = null;
      vscode.postMessage({ type: 'goToLine', line: Number(lineInput.value) });
    });
    body = el('main', { className: 'conversation', id: 'record', tabindex: '0' });
    list = count === 0 ? null : createVirtualList({
      label: t('records'), rowCount: count, query: () => ({}), renderRow, onKey: onListKey,
      footer: (total) => t('recordsShown', total.toLocaleString()),
      onSelect: (row) => {
        if (row.index !== position || wanted !== null) go(row.index);
      },
    });
    list?.viewport.setAttribute('role', 'listbox');
    app.replaceChildren(
      el('header', {}, el('div', { className: 'title' }, icon('comment-discussion'), el('h1', {}, title)),
        el('div', { className: 'toolbar' }, prevButton, nextButton, status, lineInput)),
      count === 0 ? el('p', { className: 'hint' }, t('emptyFile'))
        : el('div', { className: 'main conversations' }, el('nav', { className: 'records', 'aria-label': t('records') }, list.viewport, list.footer), body),
    );
    app.setAttribute('aria-busy', 'false');
    if (count > 0) {
      list.refresh();
      go(Math.min(position, count - 1));
    }
  }

  function onPage(message) {
    if (!list) return;
    list.onPage(message);
    // The first page makes the list's length known: only then can it select (and scroll to) the record in view.
    if (!list.hasSelection() && wanted === null) list.select(position);
  }

  document.addEventListener('keydown', (event) => {
    // The list has already handled its own keys (↑/↓, Page Up/Down, Home, End) when the event bubbles here.
    if (event.defaultPrevented || event.target instanceof HTMLInputElement || count === 0) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, PageDown: 10, PageUp: -10 };
    if (event.key in moves) go(position + moves[event.key]);
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(count - 1);
    else return;
    event.preventDefault();
  });

  connect({
    ready: build,
    record: renderRecord,
    page: onPage,
    problemsChanged: () => {
      if (count === 0) return;
      go(position);
      list?.refresh(true);
    },
    failed: showFailed,
  });
})();
