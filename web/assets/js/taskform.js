// Why: the add form and the edit dialog hold the same fields; this reads them into the API's
// task fields, fills them from a task, and shows the API's validation messages beside each
// field (`.field-error[data-field]` right after the input, linked by aria-describedby).

import { h, showError } from './dom.js';
import {
  REMIND_CHOICES, REPEAT_CHOICES, fillSelect, selectValue, toLocalInput, fromLocalInput,
  parseTags, remindLabel, repeatLabel,
} from './format.js';

/** API field name → the suffix of its control's id (`add-title`, `edit-due`, ...). */
export const FIELDS = {
  title: 'title',
  description: 'description',
  priority: 'priority',
  tags: 'tags',
  due_at: 'due',
  remind_before_minutes: 'remind',
  recurrence: 'repeat',
};

const control = (prefix, field) => document.getElementById(`${prefix}-${FIELDS[field]}`);

/**
 * Puts the task fields (the #task-fields template) into the form of `prefix` (`add`, `edit`) in
 * place of its `.task-fields[data-prefix]` placeholder, and fills the pickers' choices.
 */
export function setupFields(prefix) {
  const placeholder = document.querySelector(`.task-fields[data-prefix="${prefix}"]`);
  const fields = document.getElementById('task-fields').content.cloneNode(true);
  for (const el of fields.querySelectorAll('[id], [for]')) {
    for (const attr of ['id', 'for']) {
      const value = el.getAttribute(attr);
      if (value && value.startsWith('PREFIX-')) el.setAttribute(attr, `${prefix}-${value.slice(7)}`);
    }
  }
  placeholder.replaceWith(fields);
  fillSelect(control(prefix, 'remind_before_minutes'), REMIND_CHOICES);
  fillSelect(control(prefix, 'recurrence'), REPEAT_CHOICES);
}

/** The form's values as API task fields (null for empty optional ones). */
export function readForm(prefix) {
  const value = (field) => control(prefix, field).value;
  const remind = value('remind_before_minutes');
  return {
    title: value('title').trim(),
    description: value('description').trim() || null,
    priority: value('priority') || 'medium',
    tags: parseTags(value('tags')),
    due_at: fromLocalInput(value('due_at')),
    remind_before_minutes: remind === '' ? null : Number(remind),
    recurrence: value('recurrence') || null,
  };
}

/** Puts a task's fields (all of them, or just `only`) into the form. */
export function fillForm(prefix, task, only = Object.keys(FIELDS)) {
  for (const field of only) {
    const el = control(prefix, field);
    const v = task[field];
    if (field === 'tags') el.value = (v || []).join(', ');
    else if (field === 'due_at') el.value = toLocalInput(v);
    else if (field === 'remind_before_minutes') selectValue(el, v, v ? remindLabel(v) : '');
    else if (field === 'recurrence') selectValue(el, v, v ? repeatLabel(v) : '');
    else if (field === 'priority') el.value = v || 'medium';
    else el.value = v ?? '';
  }
}

/** Removes every field message of the form and its general error. */
export function clearErrors(prefix) {
  for (const field of Object.keys(FIELDS)) {
    const el = control(prefix, field);
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
    const next = el.nextElementSibling;
    if (next && next.classList.contains('field-error')) next.remove();
  }
  showError(`${prefix}-error`, '');
}

/**
 * Shows an ApiError's field messages beside their fields; anything without a known field (and
 * the problem's detail when no field matched) goes to `#<prefix>-error`.
 */
export function showErrors(prefix, err, describe) {
  clearErrors(prefix);
  const rest = [];
  let first = null;
  for (const { field, message } of err.fieldErrors || []) {
    const el = FIELDS[field] ? control(prefix, field) : null;
    if (!el) {
      rest.push(field ? `${field}: ${message}` : message);
      continue;
    }
    const id = `${prefix}-${FIELDS[field]}-error`;
    let box = document.getElementById(id);
    if (!box) {
      box = h('p', { class: 'field-error', id, dataset: { field } });
      el.after(box);
    }
    box.textContent = box.textContent ? `${box.textContent}; ${message}` : message;
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', id);
    first = first || el;
  }
  if (rest.length || !first) showError(`${prefix}-error`, rest.length ? rest.join(' ') : describe(err));
  if (first) first.focus();
}

/** A client-side check before sending: the title is required. */
export function checkTitle(prefix) {
  if (control(prefix, 'title').value.trim()) return null;
  return { fieldErrors: [{ field: 'title', message: 'A title is required.' }] };
}
