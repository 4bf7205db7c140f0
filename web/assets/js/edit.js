// Why: the #edit-dialog: loads a fresh copy of the task with its ETag, saves with If-Match,
// and on 412 shows the server's current values beside the user's (#conflict) with a
// reload-and-merge that keeps the fields the user changed.

import { get, patch, describe, ApiError, AuthRequired } from './api.js';
import { h } from './dom.js';
import { FIELDS, readForm, fillForm, clearErrors, showErrors, setupFields, checkTitle } from './taskform.js';
import { formatTime, remindLabel, repeatLabel } from './format.js';
import { toast } from './toast.js';

const LABELS = {
  title: 'Title', description: 'Description', priority: 'Priority', tags: 'Tags',
  due_at: 'Due', remind_before_minutes: 'Reminder', recurrence: 'Repeat',
};

// The task as loaded (the base of the user's edits), its ETag, and the latest server copy.
const edit = { id: null, base: null, etag: null, current: null };

const dialog = () => document.getElementById('edit-dialog');

function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The form's fields as the task holds them, for comparison with `base`. */
function normalised(task) {
  const out = {};
  for (const field of Object.keys(FIELDS)) {
    let v = task[field] ?? null;
    if (field === 'tags') v = v || [];
    if (field === 'due_at' && v) v = new Date(v).toISOString().slice(0, 16); // minute precision
    out[field] = v;
  }
  return out;
}

/** The fields the user changed since the dialog loaded `base`. */
function changedFields() {
  const mine = normalised(readForm('edit'));
  const base = normalised(edit.base);
  return Object.keys(FIELDS).filter((f) => !same(mine[f], base[f]));
}

function show(field, v) {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return '(none)';
  if (field === 'tags') return v.join(', ');
  if (field === 'due_at') return formatTime(v);
  if (field === 'remind_before_minutes') return remindLabel(v);
  if (field === 'recurrence') return repeatLabel(v);
  return String(v);
}

async function fetchTask(id) {
  const { data, etag } = await get(`/api/tasks/${id}`);
  return { task: data, etag: etag || `"${data.version}"` };
}

export async function openEdit(id) {
  clearErrors('edit');
  document.getElementById('conflict').hidden = true;
  try {
    const { task, etag } = await fetchTask(id);
    Object.assign(edit, { id, base: task, etag, current: null });
    fillForm('edit', task);
    document.getElementById('edit-heading').textContent = `Edit “${task.title}”`;
    if (!dialog().open) dialog().showModal();
    document.getElementById('edit-title').focus();
  } catch (err) {
    if (!(err instanceof AuthRequired)) toast(`Could not open the task. ${describe(err)}`);
  }
}

async function showConflict() {
  const { task, etag } = await fetchTask(edit.id);
  edit.current = { task, etag };
  const mine = readForm('edit');
  const rows = Object.keys(FIELDS).map((f) => {
    const differs = !same(normalised(task)[f], normalised(mine)[f]);
    return h('tr', { class: differs ? 'differs' : null },
      h('th', { scope: 'row', text: LABELS[f] }),
      h('td', { text: show(f, task[f]) }),
      h('td', { text: show(f, mine[f]) }));
  });
  document.getElementById('conflict-rows').replaceChildren(...rows);
  document.getElementById('conflict').hidden = false;
  document.getElementById('conflict-reload').focus();
}

/** Takes the server's current version as the new base, keeping the fields the user changed. */
async function reloadAndMerge() {
  const latest = edit.current || (await fetchTask(edit.id));
  const changed = changedFields();
  const mine = readForm('edit');
  Object.assign(edit, { base: latest.task, etag: latest.etag, current: null });
  fillForm('edit', latest.task);
  fillForm('edit', { ...latest.task, ...pick(mine, changed) }, changed);
  document.getElementById('conflict').hidden = true;
  clearErrors('edit');
  document.getElementById('edit-save').focus();
}

function pick(obj, keys) {
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}

async function save(event) {
  event.preventDefault();
  const missing = checkTitle('edit');
  if (missing) {
    showErrors('edit', missing, describe);
    return;
  }
  clearErrors('edit');
  const mine = readForm('edit');
  const body = pick(mine, changedFields());
  if (!Object.keys(body).length) {
    dialog().close();
    return;
  }
  const button = document.getElementById('edit-save');
  button.disabled = true;
  try {
    const { data } = await patch(`/api/tasks/${edit.id}`, body, { ifMatch: edit.etag });
    dialog().close();
    toast(`Saved “${data.title}”.`);
    window.dispatchEvent(new Event('tasks:changed'));
  } catch (err) {
    if (err instanceof AuthRequired) return;
    if (err instanceof ApiError && err.status === 412) {
      try {
        await showConflict();
      } catch (again) {
        showErrors('edit', again, describe);
      }
    } else {
      showErrors('edit', err, describe);
    }
  } finally {
    button.disabled = false;
  }
}

export function setupEdit() {
  setupFields('edit');
  document.getElementById('edit-form').addEventListener('submit', save);
  document.getElementById('edit-cancel').addEventListener('click', () => dialog().close());
  document.getElementById('conflict-reload').addEventListener('click', () =>
    reloadAndMerge().catch((err) => {
      if (!(err instanceof AuthRequired)) showErrors('edit', err, describe);
    }));
}
