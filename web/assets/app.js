// Why: the page's entry point: wires every module, checks the session, then starts the views,
// the router and the live stream. Each feature lives in its own module under js/.

import { checkSession, showApp, setupAuth } from './js/auth.js';
import { setupToast } from './js/toast.js';
import { setupTasks, loadTasks } from './js/tasks.js';
import { setupAdd } from './js/add.js';
import { setupEdit } from './js/edit.js';
import { setupHistory } from './js/history.js';
import { setupChat } from './js/chat.js';
import { loadAnalytics } from './js/analytics.js';
import { setupWebhooks, loadWebhooks } from './js/webhooks.js';
import { setupKeys } from './js/keys.js';
import { startRouter } from './js/router.js';
import { startLive, stopLive } from './js/live.js';

let started = false;

function signedOut() {
  stopLive();
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
}

async function start() {
  const me = await checkSession();
  if (!me) return;
  showApp(me);
  if (!started) {
    started = true;
    startRouter({ tasks: () => loadTasks(), analytics: loadAnalytics, webhooks: loadWebhooks });
  } else {
    loadTasks();
  }
  startLive();
}

function init() {
  setupToast();
  setupAuth(signedOut);
  setupTasks();
  setupAdd();
  setupEdit();
  setupHistory();
  setupChat();
  setupWebhooks();
  setupKeys();
  // Back from signing in in another tab: check again.
  window.addEventListener('focus', () => {
    if (!document.getElementById('signin').hidden) start();
  });
  start();
}

init();
