// Why: the hash routes #/tasks, #/analytics and #/webhooks: shows one view, marks its nav link
// with aria-current, and tells the view it is shown (to load its data).

const VIEWS = ['tasks', 'analytics', 'webhooks'];
const onShow = {};

export function current() {
  const name = location.hash.replace(/^#\/?/, '');
  return VIEWS.includes(name) ? name : 'tasks';
}

export function go(name) {
  location.hash = `#/${name}`;
}

function show() {
  const name = current();
  for (const view of VIEWS) {
    document.getElementById(`view-${view}`).hidden = view !== name;
    const link = document.getElementById(`nav-${view}`);
    if (view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${name[0].toUpperCase()}${name.slice(1)} · Evolution of Todo`;
  if (onShow[name]) onShow[name]();
}

/** Starts routing; `handlers` maps a view name to what to do when it is shown. */
export function startRouter(handlers) {
  Object.assign(onShow, handlers);
  window.addEventListener('hashchange', show);
  show();
}

export function refresh() {
  show();
}
