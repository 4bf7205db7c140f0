// Why: the webhooks view: subscribe an endpoint to event types (POST /api/webhooks, showing the
// signing secret the one time the API returns it), list and delete subscriptions, and show a
// subscription's delivery log.

import { get, post, del, describe, AuthRequired } from './api.js';
import { h, showError } from './dom.js';
import { formatTime } from './format.js';

// What notifier accepts (notification.* are refused: they would loop); the defaults are checked.
const EVENT_TYPES = [
  ['task.created', true], ['task.updated', false], ['task.completed', false], ['task.deleted', false],
  ['task.due_soon', true], ['task.overdue', true], ['task.reminder', true],
  ['session.created', false], ['session.message_received', false], ['session.expired', false],
  ['intent.recognized', false], ['intent.failed', false],
];

function buildEventChoices() {
  const fieldset = document.getElementById('webhook-events');
  for (const [type, checked] of EVENT_TYPES) {
    const id = `webhook-event-${type.replace(/\W/g, '-')}`;
    fieldset.append(h('div', { class: 'check' },
      h('input', { type: 'checkbox', id, name: 'event_types', value: type, checked }),
      h('label', { for: id, text: type })));
  }
}

function clearFieldErrors() {
  for (const el of document.querySelectorAll('#webhook-form .field-error')) el.remove();
  for (const el of document.querySelectorAll('#webhook-form [aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  showError('webhook-error', '');
}

function showFieldErrors(err) {
  clearFieldErrors();
  const targets = { url: document.getElementById('webhook-url'), event_types: document.getElementById('webhook-events') };
  const rest = [];
  for (const { field, message } of err.fieldErrors || []) {
    const target = targets[field];
    if (!target) {
      rest.push(field ? `${field}: ${message}` : message);
      continue;
    }
    const id = `webhook-${field}-error`;
    let box = document.getElementById(id);
    if (!box) {
      box = h('p', { class: 'field-error', id, dataset: { field } });
      if (target.tagName === 'FIELDSET') target.append(box);
      else target.after(box);
    }
    box.textContent = box.textContent ? `${box.textContent}; ${message}` : message;
    target.setAttribute('aria-describedby', id);
    if (target.tagName !== 'FIELDSET') target.setAttribute('aria-invalid', 'true');
  }
  if (rest.length || !(err.fieldErrors || []).length) showError('webhook-error', rest.join(' ') || describe(err));
}

function showSecret(secret) {
  const box = document.getElementById('webhook-secret');
  box.replaceChildren(
    h('p', {}, h('strong', { text: 'Signing secret: ' }), h('code', { text: secret })),
    h('p', { text: 'Copy it now to verify the webhook-signature header: it will not be shown again.' }),
    h('button', { type: 'button', onclick: () => { box.hidden = true; box.replaceChildren(); } }, 'I have saved it'));
  box.hidden = false;
}

function deliveryItem(d) {
  const code = d.last_status_code ? `, HTTP ${d.last_status_code}` : '';
  const error = d.last_error ? ` — ${d.last_error}` : '';
  return h('li', { class: `delivery ${d.status}` },
    h('strong', { text: d.event_type }), ` ${d.status}, ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${code}, `,
    h('time', { datetime: d.created_at, text: formatTime(d.created_at) }), error);
}

async function toggleDeliveries(sub, li, button) {
  let box = li.querySelector('.deliveries');
  if (box) {
    box.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  box = h('div', { class: 'deliveries', id: `deliveries-${sub.id}` }, h('p', { class: 'muted', text: 'Loading…' }));
  li.append(box);
  button.setAttribute('aria-expanded', 'true');
  try {
    const { data } = await get(`/api/webhooks/${sub.id}/deliveries`);
    const items = data.items || [];
    box.replaceChildren(items.length ? h('ul', {}, items.map(deliveryItem)) : h('p', { class: 'muted', text: 'No deliveries yet.' }));
  } catch (err) {
    if (!(err instanceof AuthRequired)) box.replaceChildren(h('p', { class: 'error', text: describe(err) }));
  }
}

async function remove(sub) {
  if (!window.confirm(`Delete the webhook to ${sub.url}? Nothing more will be delivered to it.`)) return;
  try {
    await del(`/api/webhooks/${sub.id}`);
    loadWebhooks();
  } catch (err) {
    if (!(err instanceof AuthRequired)) showError('webhook-list-error', `Could not delete the webhook. ${describe(err)}`);
  }
}

function item(sub) {
  const li = h('li', { class: 'webhook card', dataset: { id: sub.id } });
  const deliveries = h('button', {
    type: 'button', class: 'deliveries-toggle', 'aria-expanded': 'false',
    'aria-label': `Deliveries to ${sub.url}`,
  }, 'Deliveries');
  deliveries.addEventListener('click', () => toggleDeliveries(sub, li, deliveries));
  li.append(
    h('p', { class: 'webhook-url' }, h('code', { text: sub.url })),
    h('p', { class: 'webhook-events', text: `Events: ${(sub.event_types || []).join(', ')}` }),
    sub.active === false ? h('p', { class: 'error', text: `Disabled: ${sub.disabled_reason || 'the endpoint is gone'}` }) : null,
    h('p', { class: 'muted', text: `Created ${formatTime(sub.created_at)}` }),
    h('div', { class: 'task-actions' }, deliveries,
      h('button', { type: 'button', class: 'delete', 'aria-label': `Delete webhook to ${sub.url}`, onclick: () => remove(sub) }, 'Delete')));
  return li;
}

export async function loadWebhooks() {
  showError('webhook-list-error', '');
  try {
    const { data } = await get('/api/webhooks');
    const subs = Array.isArray(data) ? data : data.items || [];
    document.getElementById('webhook-list').replaceChildren(...subs.map(item));
    document.getElementById('webhook-empty').hidden = subs.length > 0;
  } catch (err) {
    if (!(err instanceof AuthRequired)) showError('webhook-list-error', `Could not load webhooks. ${describe(err)}`);
  }
}

export function setupWebhooks() {
  buildEventChoices();
  const form = document.getElementById('webhook-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors();
    const url = document.getElementById('webhook-url').value.trim();
    const types = [...form.querySelectorAll('input[name="event_types"]:checked')].map((c) => c.value);
    const problems = [];
    if (!url) problems.push({ field: 'url', message: 'An endpoint URL is required.' });
    if (!types.length) problems.push({ field: 'event_types', message: 'Pick at least one event type.' });
    if (problems.length) {
      showFieldErrors({ fieldErrors: problems });
      return;
    }
    const button = document.getElementById('webhook-add');
    button.disabled = true;
    try {
      const { data } = await post('/api/webhooks', { url, event_types: types });
      form.reset();
      if (data && data.secret) showSecret(data.secret);
      loadWebhooks();
    } catch (err) {
      if (!(err instanceof AuthRequired)) showFieldErrors(err);
    } finally {
      button.disabled = false;
    }
  });
}
