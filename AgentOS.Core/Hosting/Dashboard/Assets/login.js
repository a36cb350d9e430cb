// The login page: exchanges the token for the session cookie (POST /dashboard/login), then loads the dashboard.
'use strict';
document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.hidden = true;
  const token = document.getElementById('token').value;
  try {
    const response = await fetch('/dashboard/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new Error(body && body.error ? body.error.message : `login failed (${response.status})`);
    }
    location.replace('/');
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
});
