// Why: completing or deleting a task is undoable for 8 seconds; this owns the #toast and its
// #undo button so only the latest action can be undone.

const UNDO_MS = 8000;
let timer = null;
let undoFn = null;

function hide() {
  clearTimeout(timer);
  undoFn = null;
  document.getElementById('toast').hidden = true;
}

/** Shows `message`; with `undo`, an Undo button calls it (once) within 8 s. */
export function toast(message, undo = null) {
  clearTimeout(timer);
  const box = document.getElementById('toast');
  document.getElementById('toast-text').textContent = message;
  const button = document.getElementById('undo');
  button.hidden = !undo;
  undoFn = undo;
  box.hidden = false;
  timer = setTimeout(hide, undo ? UNDO_MS : 5000);
}

export function setupToast() {
  document.getElementById('undo').addEventListener('click', async () => {
    const fn = undoFn;
    hide();
    if (fn) await fn();
  });
}
