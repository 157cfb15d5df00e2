// Conversations webview: one JSONL record at a time as a chat — roles as bubbles, system prompt, tool calls and tool
// results, images, weight-0 turns marked, the record's validation problems above it. Only the record in view is
// fetched from the extension. Plain script under a nonce CSP, after common.js (el, t, the message plumbing).
// @ts-check
(function () {
  'use strict';
  // @ts-ignore: defined by common.js
  const { vscode, t, app, el, icon, contentNodes, showFailed, connect } = window.mistralWebview;
  let position = vscode.getState()?.position ?? 0;
  let count = 0;
  let title = '';
  let status, body, lineInput, prevButton, nextButton;

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
  }

  function go(target) {
    if (count === 0) return;
    vscode.postMessage({ type: 'record', position: Math.max(0, Math.min(count - 1, target)) });
  }

  function build(message) {
    title = message.title;
    count = message.count;
    prevButton = el('button', { id: 'previous', title: t('previous'), 'aria-label': t('previous'), onclick: () => go(position - 1) }, icon('arrow-left'));
    nextButton = el('button', { id: 'next', title: t('next'), 'aria-label': t('next'), onclick: () => go(position + 1) }, icon('arrow-right'));
    status = el('span', { id: 'status', className: 'meta', 'aria-live': 'polite' });
    lineInput = el('input', { id: 'line', type: 'number', min: '1', placeholder: t('goToLine'), 'aria-label': t('goToLine') });
    lineInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && lineInput.value) vscode.postMessage({ type: 'goToLine', line: Number(lineInput.value) });
    });
    body = el('main', { className: 'conversation', id: 'record', tabindex: '0' });
    app.replaceChildren(
      el('header', {}, el('div', { className: 'title' }, icon('comment-discussion'), el('h1', {}, title)),
        el('div', { className: 'toolbar' }, prevButton, nextButton, status, lineInput)),
      count === 0 ? el('p', { className: 'hint' }, t('emptyFile')) : body,
    );
    app.setAttribute('aria-busy', 'false');
    if (count > 0) go(Math.min(position, count - 1));
  }

  document.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement || count === 0) return;
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
    problemsChanged: () => {
      if (count > 0) go(position);
    },
    failed: showFailed,
  });
})();
