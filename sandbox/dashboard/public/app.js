// Dashboard: renders /api/state (pushed over SSE, polled as a fallback) and posts the actions.
// DOM is built with textContent only: stand-in data never becomes markup.
'use strict';

const $ = (id) => document.getElementById(id);
let lastJson = '';
let lastPhase = 'starting';
let busy = false;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const when = (iso) => {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
};

function badge(text, kind) {
  return el('span', { class: `badge ${kind || slug(text)}`, text });
}
const slug = (s) => String(s).toLowerCase().replace(/[^a-z0-9]+/g, '-');

function fillBody(tbody, rows, columns, emptyText) {
  const focusedKey = document.activeElement?.dataset ? document.activeElement.dataset.key : undefined;
  tbody.replaceChildren();
  if (rows.length === 0) {
    tbody.append(el('tr', {}, el('td', { colspan: columns, class: 'empty', text: emptyText })));
  }
  for (const r of rows) tbody.append(r);
  if (focusedKey) {
    const again = document.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`);
    if (again) again.focus();
  }
}

function render(s) {
  const phase = $('phase');
  phase.textContent = s.phase === 'ready' ? 'Ready' : s.phase === 'failed' ? `Failed: ${s.error || ''}` : s.phase === 'starting' ? 'Starting…' : s.phase;
  phase.className = `phase ${s.phase}`;

  const sel = $('emit-sample');
  if (sel.options.length !== s.samples.length) {
    sel.replaceChildren(...s.samples.map((name) => el('option', { value: name, text: name })));
  }

  $('counters').replaceChildren(...Object.entries(s.counters).flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));

  fillBody($('runs-body'), s.runs.map((r) => el('tr', {},
    el('td', { text: when(r.at) }), el('td', { text: r.fn }), el('td', { text: r.trigger }),
    el('td', {}, badge(r.ok ? 'ok' : 'failed', r.ok ? 'ok' : 'failed')), el('td', { class: 'wrap', text: r.summary }))), 5, 'No runs yet.');

  renderResync(s.resync);

  $('halo-count').textContent = `(${s.halo.length})`;
  fillBody($('halo-body'), s.halo.map((i) => {
    const active = i.status === 'active';
    const action = active ? 'resolve' : 'reactivate';
    return el('tr', {},
      el('th', { scope: 'row', class: 'wrap' }, el('span', { class: 'name', text: i.name }), el('br'), el('code', { class: 'muted', text: i.id })),
      el('td', { text: i.type }), el('td', { text: i.source }),
      el('td', {}, i.critical ? badge('critical', 'critical') : badge('normal', 'quiet')),
      el('td', { class: 'wrap', text: i.asset }),
      el('td', {}, badge(i.status)),
      el('td', { text: i.ticket || '—' }),
      el('td', {}, el('button', {
        type: 'button', class: 'small', 'data-key': `${action}-${i.id}`,
        'aria-label': `${active ? 'Resolve' : 'Re-activate'} Halo issue ${i.name} (${i.id})`,
        onclick: () => act(`/api/halo/issues/${encodeURIComponent(i.id)}/${action}`, {}, `${active ? 'Resolved' : 'Re-activated'} ${i.id} in Halo; run jiraSync to reconcile.`),
      }, active ? 'Resolve' : 'Re-activate')));
  }), 8, 'No Halo issues.');

  $('jira-count').textContent = `(${s.jira.length})`;
  fillBody($('jira-body'), s.jira.map((t) => el('tr', {},
    el('th', { scope: 'row', text: t.key }), el('td', {}, el('code', { text: t.haloIssueId })),
    el('td', { class: 'wrap', text: t.summary }), el('td', {}, badge(t.status)),
    el('td', { class: 'wrap' }, t.history.length === 0 ? '—' : el('ol', { class: 'history' },
      t.history.map((h) => el('li', { text: `${when(h.at)} ${h.from} → ${h.to}` })))))), 5, 'No tickets yet: run jiraSync.');

  const total = s.port.reduce((n, b) => n + b.entities.length, 0);
  $('port-count').textContent = `(${total})`;
  // Keep each blueprint's open/closed state as the user left it.
  const wasOpen = new Map([...document.querySelectorAll('#port-body details')].map((d) => [d.dataset.blueprint, d.open]));
  $('port-body').replaceChildren(...(s.port.length === 0 ? [el('p', { class: 'empty', text: 'No blueprints yet.' })] : s.port.map((b) =>
    el('details', { 'data-blueprint': b.blueprint, open: (wasOpen.has(b.blueprint) ? wasOpen.get(b.blueprint) : b.entities.length > 0) || undefined },
      el('summary', {}, el('strong', { text: b.blueprint }), ` — ${b.entities.length} entit${b.entities.length === 1 ? 'y' : 'ies'}`),
      b.entities.length === 0 ? el('p', { class: 'empty', text: 'No entities.' }) : el('table', {},
        el('caption', { class: 'sr-only', text: `Entities of blueprint ${b.blueprint}` }),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Identifier' }), el('th', { scope: 'col', text: 'Title' }), el('th', { scope: 'col', text: 'Account' }), el('th', { scope: 'col', text: 'Properties' }))),
        el('tbody', {}, b.entities.map((e) => el('tr', {},
          el('th', { scope: 'row' }, el('code', { text: e.identifier })), el('td', { text: e.title }),
          el('td', {}, el('code', { text: e.account ?? '—' })),
          el('td', { class: 'wrap props', text: props(e.properties) })))))))));

  $('dlq-count').textContent = `(${s.dlq.count})`;
  fillBody($('dlq-body'), s.dlq.messages.map((m) => el('tr', {},
    el('td', { text: when(m.sentAt) }), el('td', { class: 'wrap', text: m.reason }), el('td', { class: 'wrap' }, el('code', { text: m.excerpt })))), 3, 'Empty.');

  $('steps').replaceChildren(...s.steps.map((st) => el('li', { class: st.status },
    badge(st.status), ' ', st.title, st.ms !== undefined ? el('span', { class: 'muted', text: ` ${(st.ms / 1000).toFixed(1)} s` }) : null,
    st.detail ? el('div', { class: 'muted wrap', text: st.detail }) : null)));
  $('links').replaceChildren(...Object.entries(s.links).flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, el('code', { text: v }))]));

  lastPhase = s.phase;
  updateRunButton();
}

function renderResync(r) {
  $('resync-none').hidden = !!r;
  if (!r) return $('resync-body').replaceChildren();
  const rows = [['When', `${when(r.at)} (${r.trigger})`]];
  if (r.error !== undefined) rows.push(['Result', badge('failed', 'failed')], ['Error', r.error]);
  else {
    rows.push(['Result', badge(r.ok ? (r.complete ? 'ok' : 'continues') : 'failed', r.ok ? 'ok' : 'failed')]);
    for (const k of ['created', 'updated', 'deleted', 'unchanged', 'failed']) rows.push([k[0].toUpperCase() + k.slice(1), String(r[k])]);
    rows.push(['Duration', `${(r.durationMs / 1000).toFixed(1)} s`]);
  }
  $('resync-body').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
}

// Also called when an action ends: the state may not have changed, so no re-render follows.
function updateRunButton() {
  $('run-sync').disabled = busy || lastPhase !== 'ready';
  $('run-resync').disabled = busy || lastPhase !== 'ready';
}

function props(p) {
  return Object.entries(p || {}).filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
}

function announce(text) {
  $('announce').textContent = text;
}

async function act(url, body, okText) {
  busy = true;
  updateRunButton();
  announce('Working…');
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const out = await res.json().catch(() => ({}));
    announce(res.ok ? out.message || okText : `Failed: ${out.error || res.status}`);
  } catch (err) {
    announce(`Failed: ${err.message}`);
  } finally {
    busy = false;
    updateRunButton();
    await refresh();
  }
}

async function refresh() {
  const res = await fetch('/api/state');
  if (res.ok) apply(await res.text());
}

function apply(json) {
  if (json === lastJson) return;
  lastJson = json;
  render(JSON.parse(json));
}

function connect() {
  if (!('EventSource' in window)) return setInterval(() => refresh().catch(() => undefined), 2000);
  const es = new EventSource('/api/stream');
  es.addEventListener('state', (e) => apply(e.data));
  es.onerror = () => {
    $('phase').textContent = 'Disconnected; retrying…';
  };
}

document.addEventListener('DOMContentLoaded', () => {
  $('run-sync').addEventListener('click', () => act('/api/jira-sync/run', {}, 'jiraSync finished.'));
  $('run-resync').addEventListener('click', () => act('/api/port-resync/run', {}, 'portResync finished.'));
  $('emit-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const sample = $('emit-sample').value;
    act('/api/events/emit', { sample }, `Emitted ${sample}.`);
  });
  refresh().catch(() => undefined);
  connect();
});
