// Why: keyboard-first use: single-key shortcuts (n, /, j, k, x, e, Delete, c, ?, and the
// two-key g t / g a / g w), ignored while the user types in a field or a dialog is open.

import { moveSelection, selectedId, toggleComplete, editTask, deleteTask } from './tasks.js';
import { focusChat } from './chat.js';
import { go, current } from './router.js';

const VIEW_KEYS = { t: 'tasks', a: 'analytics', w: 'webhooks' };
let pendingG = 0;

function typing(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  if (target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  if (target.tagName !== 'INPUT') return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
}

function onTasks(fn) {
  if (current() !== 'tasks') go('tasks');
  fn();
}

function withSelected(fn) {
  const id = selectedId();
  if (id) fn(id);
}

const SHORTCUTS = {
  n: () => onTasks(() => document.getElementById('add-title').focus()),
  '/': () => onTasks(() => document.getElementById('search').focus()),
  j: () => current() === 'tasks' && moveSelection(1),
  k: () => current() === 'tasks' && moveSelection(-1),
  x: () => withSelected(toggleComplete),
  e: () => withSelected(editTask),
  Delete: () => withSelected(deleteTask),
  c: () => focusChat(),
  '?': () => document.getElementById('shortcuts').showModal(),
};

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (document.getElementById('app').hidden) return;
  if (document.querySelector('dialog[open]')) return; // dialogs handle their own keys (Escape)
  if (typing(event.target)) return;

  if (pendingG && Date.now() - pendingG < 1500 && VIEW_KEYS[event.key]) {
    pendingG = 0;
    event.preventDefault();
    go(VIEW_KEYS[event.key]);
    return;
  }
  pendingG = 0;
  if (event.key === 'g') {
    pendingG = Date.now();
    return;
  }
  const action = SHORTCUTS[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
}

export function setupKeys() {
  document.addEventListener('keydown', onKey);
  const dialog = document.getElementById('shortcuts');
  document.getElementById('shortcuts-open').addEventListener('click', () => dialog.showModal());
  document.getElementById('shortcuts-close').addEventListener('click', () => dialog.close());
  // Escape closes any open dialog (native modal dialogs do too; this also covers the toast).
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const open = document.querySelector('dialog[open]');
    if (open) {
      event.preventDefault();
      open.close();
    }
  });
}
