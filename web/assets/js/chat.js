// Why: the assistant panel: sends messages to POST /api/chat (keeping session_id), shows the
// reply and the actions it took, reloads the tasks when an action changed them, and collapses
// behind #chat-toggle on small screens.

import { post, describe, ApiError, AuthRequired } from './api.js';
import { h, showError } from './dom.js';
import { timeZone } from './format.js';

const READ_ONLY_TOOLS = new Set(['list_tasks', 'search_tasks', 'get_task', 'show_task']);
let sessionId = null;

const log = () => document.getElementById('chat-log');

function addMessage(role, text, actions = []) {
  const item = h('li', { class: `chat-message ${role}` },
    h('span', { class: 'sr-only', text: role === 'user' ? 'You said: ' : 'Assistant: ' }),
    h('p', { class: 'chat-text', text }));
  if (actions.length) item.append(h('ul', { class: 'chat-actions' }, actions.map(actionItem)));
  log().append(item);
  item.scrollIntoView({ block: 'nearest' });
}

function actionItem(action) {
  const r = action.result;
  let outcome;
  if (r && typeof r === 'object' && !Array.isArray(r) && r.error) outcome = `failed: ${r.error}`;
  else if (Array.isArray(r)) outcome = `${r.length} task${r.length === 1 ? '' : 's'}`;
  else if (r && typeof r === 'object') {
    outcome = [r.status, r.task_id !== undefined ? `task #${r.task_id}` : null, r.title ? `“${r.title}”` : null]
      .filter(Boolean).join(' ') || 'done';
  } else outcome = r === undefined || r === null ? 'done' : String(r);
  return h('li', {}, h('code', { text: action.tool }), ` — ${outcome}`);
}

async function send(message) {
  const headers = {};
  const tz = timeZone();
  if (tz) headers['X-Timezone'] = tz;
  const body = sessionId ? { message, session_id: sessionId } : { message };
  try {
    return (await post('/api/chat', body, { headers })).data;
  } catch (err) {
    // An unknown or expired session: start a new one with the same message.
    if (sessionId && err instanceof ApiError && (err.status === 404 || err.status === 410)) {
      sessionId = null;
      return (await post('/api/chat', { message }, { headers })).data;
    }
    throw err;
  }
}

function setExpanded(open) {
  const toggle = document.getElementById('chat-toggle');
  toggle.setAttribute('aria-expanded', String(open));
  toggle.textContent = open ? 'Hide assistant' : 'Show assistant';
  document.getElementById('chat').classList.toggle('open', open);
}

/** Opens the panel (on small screens) and focuses the message box. */
export function focusChat() {
  setExpanded(true);
  document.getElementById('chat-input').focus();
}

export function setupChat() {
  const form = document.getElementById('chat-form');
  const input = document.getElementById('chat-input');
  const button = document.getElementById('chat-send');
  document.getElementById('chat-toggle').addEventListener('click', () => {
    const open = document.getElementById('chat-toggle').getAttribute('aria-expanded') !== 'true';
    setExpanded(open);
    if (open) input.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) {
      showError('chat-error', 'Type a message first.');
      input.focus();
      return;
    }
    showError('chat-error', '');
    addMessage('user', message);
    input.value = '';
    button.disabled = true;
    try {
      const reply = await send(message);
      sessionId = reply.session_id || sessionId;
      const actions = reply.actions || [];
      addMessage('assistant', reply.reply, actions);
      if (actions.some((a) => !READ_ONLY_TOOLS.has(a.tool))) {
        window.dispatchEvent(new Event('tasks:changed'));
      }
    } catch (err) {
      if (!(err instanceof AuthRequired)) showError('chat-error', `The assistant could not answer. ${describe(err)}`);
    } finally {
      button.disabled = false;
      input.focus();
    }
  });
}
