// Why: who is signed in (GET /auth/me), the sign-in screen when nobody is, and signing out
// (POST /auth/logout). Any 401 from the API lands here through the `auth:required` event.

import { post, describe, AuthRequired } from './api.js';
import { showError } from './dom.js';

/** The signed-in user ({user, sign_in}), or null after showing the sign-in screen. */
export async function checkSession() {
  let response;
  try {
    response = await fetch('/auth/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch {
    showSignIn(null, 'The server cannot be reached. Reload the page to try again.');
    return null;
  }
  const body = await response.json().catch(() => null);
  if (response.ok && body && body.user) return body;
  if (response.status === 401) showSignIn(body);
  else showSignIn(body, `Cannot check your session: ${(body && body.detail) || `the server answered ${response.status}`}.`);
  return null;
}

/** Hides the app and shows #signin; `problem` is /auth/me's 401 body (it says how to sign in). */
export function showSignIn(problem, error = '') {
  document.getElementById('app').hidden = true;
  document.getElementById('signin').hidden = false;
  document.getElementById('signin-oidc').hidden = !(problem && problem.sign_in === 'oidc');
  showError('signin-error', error);
  document.title = 'Sign in · Evolution of Todo';
}

export function showApp(me) {
  document.getElementById('signin').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('who').textContent = me.user;
}

export function setupAuth(onSignedOut) {
  window.addEventListener('auth:required', () => {
    onSignedOut();
    checkSession();
  });
  document.getElementById('signout').addEventListener('click', async () => {
    try {
      await post('/auth/logout');
    } catch (err) {
      if (!(err instanceof AuthRequired)) {
        window.alert(`Could not sign out: ${describe(err)}`);
        return;
      }
    }
    onSignedOut();
    showSignIn(null);
    checkSession();
  });
}
