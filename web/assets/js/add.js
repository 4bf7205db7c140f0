// Why: the #add-form: sends a new task (POST /api/tasks) and shows the API's validation
// messages beside the fields.

import { post, describe, AuthRequired } from './api.js';
import { readForm, clearErrors, showErrors, setupFields, checkTitle } from './taskform.js';
import { toast } from './toast.js';

export function setupAdd() {
  setupFields('add');
  const form = document.getElementById('add-form');
  const submit = document.getElementById('add-submit');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const missing = checkTitle('add');
    if (missing) {
      showErrors('add', missing, describe);
      return;
    }
    clearErrors('add');
    const draft = readForm('add');
    submit.disabled = true;
    try {
      const { data } = await post('/api/tasks', draft);
      form.reset();
      toast(`Added “${data.title}”.`);
      window.dispatchEvent(new Event('tasks:changed'));
      document.getElementById('add-title').focus();
    } catch (err) {
      if (!(err instanceof AuthRequired)) showErrors('add', err, describe);
    } finally {
      submit.disabled = false;
    }
  });
}
