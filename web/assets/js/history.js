// Why: shows who changed a task and how (GET /api/tasks/{id}/history) in the #history dialog.

import { get, describe, AuthRequired } from './api.js';
import { h, showError } from './dom.js';
import { formatTime } from './format.js';

function valueText(v) {
  if (v === null || v === undefined || v === '') return '(none)';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '(none)';
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return formatTime(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function entry(item) {
  const changes = Object.entries(item.changes || {}).map(([field, c]) =>
    h('li', {}, h('strong', { text: field.replace(/_/g, ' ') }), ': ',
      c && 'old' in c && c.old !== null ? `${valueText(c.old)} → ` : '', valueText(c ? c.new : c)));
  return h('li', { class: 'history-entry' },
    h('p', {}, h('strong', { text: item.action }), ` by ${item.actor_id}, `,
      h('time', { datetime: item.at, text: formatTime(item.at) }), ` (version ${item.version})`),
    changes.length ? h('ul', {}, changes) : null);
}

export async function openHistory(task) {
  const dialog = document.getElementById('history');
  const list = document.getElementById('history-list');
  document.getElementById('history-heading').textContent = `History of “${task.title}”`;
  list.replaceChildren(h('li', { class: 'muted', text: 'Loading…' }));
  showError('history-error', '');
  if (!dialog.open) dialog.showModal();
  try {
    const { data } = await get(`/api/tasks/${task.id}/history`);
    const items = data.items || [];
    list.replaceChildren(...(items.length ? items.slice().reverse().map(entry)
      : [h('li', { class: 'muted', text: 'No changes recorded.' })]));
  } catch (err) {
    if (err instanceof AuthRequired) return;
    list.replaceChildren();
    showError('history-error', describe(err));
  }
}

export function setupHistory() {
  const dialog = document.getElementById('history');
  document.getElementById('history-close').addEventListener('click', () => dialog.close());
}
