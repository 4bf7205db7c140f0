// Why: keeps an EventSource on /api/stream (the session cookie authenticates it), shows its
// state in #live-status, reconnects with backoff when it closes, and asks for a task reload
// (`tasks:changed`) on every task event and after every reconnect. When the browser says the
// network is gone (`offline`) it stops at once, rather than when TCP notices, and reconnects as
// soon as the network is back (`online`).

const TASK_EVENTS = [
  'task.created', 'task.updated', 'task.deleted', 'task.completed',
  'task.due_soon', 'task.overdue', 'task.reminder', 'gap', 'message',
];
const MAX_DELAY_MS = 30000;

let source = null;
let retryTimer = null;
let delay = 1000;
let wasOpen = false;
let wanted = false;

function setStatus(live) {
  const el = document.getElementById('live-status');
  el.textContent = live ? 'live' : 'reconnecting…';
  el.classList.toggle('is-live', live);
}

const changed = () => window.dispatchEvent(new Event('tasks:changed'));

function connect() {
  clearTimeout(retryTimer);
  source = new EventSource('/api/stream', { withCredentials: true });
  source.addEventListener('open', () => {
    setStatus(true);
    delay = 1000;
    if (wasOpen) changed(); // events may have been missed while away
    wasOpen = true;
  });
  for (const type of TASK_EVENTS) source.addEventListener(type, changed);
  source.addEventListener('error', () => {
    setStatus(false);
    if (source && source.readyState === EventSource.CLOSED) {
      // The browser gave up (e.g. the server answered an error): retry ourselves, backing off.
      source.close();
      source = null;
      retryTimer = setTimeout(connect, delay);
      delay = Math.min(MAX_DELAY_MS, delay * 2);
    }
  });
}

function drop() {
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  setStatus(false);
}

window.addEventListener('offline', () => {
  if (wanted) drop();
});
window.addEventListener('online', () => {
  if (wanted && !source) {
    delay = 1000;
    connect();
  }
});

export function startLive() {
  wanted = true;
  if (!source) connect();
}

export function stopLive() {
  wanted = false;
  drop();
  wasOpen = false;
}
