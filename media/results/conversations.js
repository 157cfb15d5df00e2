// Conversations webview: one JSONL record at a time as a chat — roles as bubbles, system prompt, tool calls and tool
// results, images, weight-0 turns marked, the record's validation problems above it. Only the record in view is
// fetched from the extension. Plain script under a nonce CSP.
// @ts-check
(function () {
  'use strict';
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const strings = JSON.parse(document.getElementById('strings')?.textContent ?? '{}');
  const t = (key, ...args) => String(strings[key] ?? key).replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
  const app = /** @type {HTMLElement} */ (document.getElementById('app'));
  let position = vscode.getState()?.position ?? 0;
  let count = 0;
  let title = '';
  let status, body, lineInput, prevButton, nextButton;

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
  const json = (value) => el('pre', { className: 'json' }, (JSON.stringify(value, null, 2) ?? 'null').slice(0, 100_000));

  function contentNodes(content) {
    if (typeof content === 'string') return [el('div', { className: 'text' }, content)];
    if (!Array.isArray(content)) return content === null || content === undefined ? [] : [json(content)];
    return content.map((chunk) => {
      if (typeof chunk === 'string') return el('div', { className: 'text' }, chunk);
      if (chunk && typeof chunk.text === 'string') return el('div', { className: 'text' }, chunk.text);
      if (chunk && typeof chunk.thinking === 'string') return el('div', { className: 'text thinking' }, chunk.thinking);
      const url = chunk?.image_url?.url ?? chunk?.image_url ?? chunk?.image;
      // data: images are shown; a remote image is named only (the CSP loads nothing from the network).
      if (typeof url === 'string') return url.startsWith('data:image/') ? el('img', { src: url, alt: '' }) : el('div', { className: 'attachment' }, icon('file-media'), url);
      if (typeof chunk?.document_url === 'string') return el('div', { className: 'attachment' }, icon('file-pdf'), chunk.document_url);
      return json(chunk);
    });
  }

  function bubble(message) {
    const role = typeof message?.role === 'string' ? message.role : 'message';
    const calls = Array.isArray(message?.tool_calls) ? message.tool_calls : [];
    return el('div', { className: `bubble ${role}${message?.weight === 0 ? ' weight-0' : ''}` },
      el('div', { className: 'role' }, role, message?.name ? ` · ${message.name}` : '', message?.tool_call_id ? ` · ${message.tool_call_id}` : '',
        message?.weight === 0 ? el('span', { className: 'weight-note' }, ` · ${t('weightZero')}`) : null),
      ...contentNodes(message?.content),
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

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message?.type === 'ready') build(message);
    else if (message?.type === 'record') renderRecord(message);
    else if (message?.type === 'problemsChanged' && count > 0) go(position);
    else if (message?.type === 'failed') {
      app.setAttribute('aria-busy', 'false');
      app.replaceChildren(el('p', { className: 'load-state load-failed', role: 'alert' }, icon('error'), message.message));
    }
  });
  vscode.postMessage({ type: 'init' });
})();
