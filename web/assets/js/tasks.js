// Why: the task list: reads the filters into the API's query, loads pages with the cursor,
// renders one <li class="task"> per task, and runs the row actions (complete/reopen, edit,
// delete with undo, history). Other modules ask for a reload with the `tasks:changed` event.

import { get, post, del, describe, ApiError, AuthRequired } from './api.js';
import { h, showError, debounce } from './dom.js';
import { formatTime, localDay, repeatLabel } from './format.js';
import { toast } from './toast.js';
import { openEdit } from './edit.js';
import { openHistory } from './history.js';

const PAGE = 50;
const state = { items: [], cursor: null, selectedId: null, seq: 0 };

const list = () => document.getElementById('task-list');
const byId = (id) => state.items.find((t) => String(t.id) === String(id));

function query(cursor) {
  const q = new URLSearchParams();
  const val = (id) => document.getElementById(id).value.trim();
  if (val('search')) q.set('q', val('search'));
  q.set('status', val('filter-status') || 'pending');
  if (val('filter-priority')) q.set('priority', val('filter-priority'));
  for (const tag of val('filter-tag').toLowerCase().split(',').map((t) => t.trim()).filter(Boolean)) {
    q.append('tag', tag);
  }
  const due = val('filter-due');
  if (due === 'today') {
    q.set('due_after', localDay(0).toISOString());
    q.set('due_before', localDay(1).toISOString());
  } else if (due === 'week') {
    const monday = (localDay(0).getDay() + 6) % 7; // days since Monday
    q.set('due_after', localDay(-monday).toISOString());
    q.set('due_before', localDay(7 - monday).toISOString());
  } else if (due === 'overdue') {
    q.set('overdue', 'true');
  }
  q.set('sort', val('sort') || 'due_at');
  // A refresh keeps as many rows as are shown, so "Load more" pages are not lost.
  q.set('limit', String(cursor ? PAGE : Math.min(200, Math.max(PAGE, state.items.length))));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

/** Loads the first page again (or, with `more`, the next page) and renders it. */
export async function loadTasks({ more = false } = {}) {
  const seq = ++state.seq;
  const status = document.getElementById('list-status');
  if (!more && !state.items.length) status.textContent = 'Loading tasks…';
  try {
    const { data } = await get('/api/tasks', query(more ? state.cursor : null));
    if (seq !== state.seq) return; // a newer load is under way
    state.items = more ? [...state.items, ...data.items] : data.items;
    state.cursor = data.next_cursor || null;
    showError('list-error', '');
    render();
  } catch (err) {
    if (err instanceof AuthRequired || seq !== state.seq) return;
    status.textContent = '';
    showError('list-error', `Could not load tasks. ${describe(err)}`);
  }
}

function isOverdue(task) {
  return task.status !== 'completed' && task.due_at && new Date(task.due_at) < new Date();
}

function button(cls, text, label, onclick) {
  return h('button', { type: 'button', class: cls, 'aria-label': label, onclick }, text);
}

function row(task) {
  const done = task.status === 'completed';
  const overdue = isOverdue(task);
  const li = h('li', {
    class: `task${done ? ' done' : ''}${overdue ? ' overdue' : ''}${String(task.id) === String(state.selectedId) ? ' selected' : ''}`,
    dataset: { id: task.id },
    tabindex: '-1',
    'aria-current': String(task.id) === String(state.selectedId) ? 'true' : null,
  },
  h('div', { class: 'task-main' },
    h('span', { class: 'task-title', text: task.title }),
    h('span', { class: `priority priority-${task.priority}`, text: task.priority }),
    done ? h('span', { class: 'state', text: 'completed' }) : null,
    task.tags.length ? h('span', { class: 'tags' },
      task.tags.map((t) => h('span', { class: 'tag', text: `#${t}` }))) : null,
    task.due_at ? h('time', { class: `due${overdue ? ' overdue' : ''}`, datetime: task.due_at },
      `${overdue ? 'Overdue: ' : 'Due '}${formatTime(task.due_at)}`) : null,
    task.recurrence ? h('span', { class: 'repeat', text: `Repeats: ${repeatLabel(task.recurrence)}` }) : null,
    task.description ? h('p', { class: 'task-desc', text: task.description }) : null),
  h('div', { class: 'task-actions' },
    button('complete', done ? 'Reopen' : 'Complete', `${done ? 'Reopen' : 'Complete'}: ${task.title}`,
      () => toggleComplete(task.id)),
    button('edit', 'Edit', `Edit: ${task.title}`, () => editTask(task.id)),
    button('delete', 'Delete', `Delete: ${task.title}`, () => deleteTask(task.id)),
    button('history', 'History', `History: ${task.title}`, () => openHistory(task))));
  return li;
}

function render() {
  // Keep focus on the same control of the same task across a re-render (live updates).
  const active = document.activeElement;
  const activeLi = active && active.closest ? active.closest('li.task') : null;
  const focusId = activeLi ? activeLi.dataset.id : null;
  const focusClass = activeLi && active !== activeLi ? active.className : null;

  list().replaceChildren(...state.items.map(row));
  const count = state.items.length;
  document.getElementById('list-status').textContent = count
    ? `${count} task${count === 1 ? '' : 's'}${state.cursor ? ' shown, more available' : ''}.`
    : 'No tasks match.';
  document.getElementById('more').hidden = !state.cursor;

  if (focusId) {
    const li = list().querySelector(`li.task[data-id="${CSS.escape(focusId)}"]`);
    const target = li && (focusClass ? li.querySelector(`button.${focusClass.split(' ')[0]}`) : li);
    if (target) target.focus();
  }
}

async function act(fn) {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AuthRequired) return;
    if (err instanceof ApiError && (err.status === 412 || err.status === 404)) loadTasks();
    toast(describe(err));
  }
}

export function toggleComplete(id) {
  const task = byId(id);
  if (!task) return;
  const reopen = task.status === 'completed';
  return act(async () => {
    await post(`/api/tasks/${task.id}/${reopen ? 'reopen' : 'complete'}`);
    loadTasks();
    if (reopen) {
      toast(`Reopened “${task.title}”.`);
    } else {
      toast(`Completed “${task.title}”.`, () => act(async () => {
        await post(`/api/tasks/${task.id}/reopen`);
        toast(`Reopened “${task.title}”.`);
        loadTasks();
      }));
    }
  });
}

export function deleteTask(id) {
  const task = byId(id);
  if (!task) return;
  return act(async () => {
    await del(`/api/tasks/${task.id}`, { ifMatch: `"${task.version}"` });
    state.items = state.items.filter((t) => t !== task);
    render();
    toast(`Deleted “${task.title}”. Undo brings it back as a new task.`, () => act(async () => {
      const { data } = await post('/api/tasks', {
        title: task.title,
        description: task.description ?? null,
        priority: task.priority,
        tags: task.tags,
        due_at: task.due_at ?? null,
        remind_before_minutes: task.remind_before_minutes ?? null,
        recurrence: task.recurrence ?? null,
      });
      toast(`“${task.title}” is back as task #${data.id}.`);
      loadTasks();
    }));
  });
}

export function editTask(id) {
  if (byId(id)) openEdit(id);
}

/** Moves the keyboard selection by `delta` rows (j/k). */
export function moveSelection(delta) {
  const rows = [...list().querySelectorAll('li.task')];
  if (!rows.length) return;
  let index = rows.findIndex((li) => li.dataset.id === String(state.selectedId));
  index = index < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, index + delta));
  for (const li of rows) {
    li.classList.remove('selected');
    li.removeAttribute('aria-current');
  }
  const li = rows[index];
  state.selectedId = li.dataset.id;
  li.classList.add('selected');
  li.setAttribute('aria-current', 'true');
  li.focus();
  li.scrollIntoView({ block: 'nearest' });
}

export const selectedId = () => (byId(state.selectedId) ? state.selectedId : null);

export function setupTasks() {
  const reload = () => {
    state.items = [];
    loadTasks();
  };
  for (const id of ['search', 'filter-tag']) {
    const typed = debounce(reload, 250);
    document.getElementById(id).addEventListener('input', typed);
    document.getElementById(id).addEventListener('change', typed);
  }
  for (const id of ['filter-status', 'filter-priority', 'filter-due', 'sort']) {
    document.getElementById(id).addEventListener('change', reload);
  }
  document.getElementById('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    reload();
  });
  document.getElementById('more').addEventListener('click', () => loadTasks({ more: true }));
  window.addEventListener('tasks:changed', debounce(() => loadTasks(), 150));
}
