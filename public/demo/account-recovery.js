// Account recovery on the demo page: "forgot password", the pages the emailed links open
// (/reset-password?token=…, /verify-email?token=…), and a reminder to verify one's address.
// The same flow as docs/frontend-integration.md ("Password reset and email verification").

const $ = (selector) => document.querySelector(selector);

/** A success message under the header, whatever the view. */
function showNotice(text) {
  const notice = $('#page-notice');
  notice.textContent = text;
  notice.hidden = false;
}

/** Whether this server writes emails to its file mailbox, which /demo/mail lists. */
async function mailboxAvailable() {
  try {
    return (await fetch('/demo/mail/messages', { method: 'GET' })).ok;
  } catch {
    return false;
  }
}

/**
 * `deps`: the page's `api`, `describeError`, `showAlert`, `showView`, `getSession` and
 * `refreshMe` (re-reads /api/me into the session bar).
 */
export function initAccountRecovery(deps) {
  const { api, describeError, showAlert, showView, getSession, refreshMe } = deps;
  const token = new URLSearchParams(window.location.search).get('token');
  const mailbox = mailboxAvailable();

  void mailbox.then((available) => {
    for (const link of document.querySelectorAll('[data-mailbox-link]')) link.hidden = !available;
  });

  // "Forgot your password?": the answer is the same whether or not an account has the address.
  $('#forgot-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const { email } = Object.fromEntries(new FormData(event.target));
    const notice = $('#forgot-notice');
    try {
      await api('/api/auth/password-reset', { method: 'POST', body: { email }, auth: false });
      notice.textContent = `If an account has ${email}, a link to choose a new password is on its way. It works once, for an hour.`;
      notice.hidden = false;
      showAlert('');
    } catch (error) {
      notice.hidden = true;
      showAlert(
        error.status === 429 ? 'Too many requests: try again later.' : describeError(error),
      );
    }
  });

  $('#reset-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const { newPassword } = Object.fromEntries(new FormData(event.target));
    try {
      await api('/api/auth/password-reset/confirm', {
        method: 'POST',
        body: { token, newPassword },
        auth: false,
      });
      window.history.replaceState(null, '', '/demo');
      showView('account');
      showNotice(
        'Your password was changed and every session signed out: log in with the new password.',
      );
    } catch (error) {
      showAlert(describeError(error));
    }
  });

  $('#resend-verification').addEventListener('click', async () => {
    try {
      await api('/api/me/verify-email/resend', { method: 'POST' });
      showAlert('');
      $('#verify-reminder-text').textContent =
        'A new verification link is on its way to your address.';
    } catch (error) {
      showAlert(describeError(error));
    }
  });

  // The pages the emails link to (the server serves this page there).
  if (window.location.pathname === '/reset-password') {
    if (token) {
      showView('reset');
    } else {
      showView('account');
      $('#forgot-form input[name=email]').focus();
    }
  } else if (window.location.pathname === '/verify-email') {
    void (async () => {
      try {
        await api('/api/auth/verify-email', { method: 'POST', body: { token }, auth: false });
        window.history.replaceState(null, '', '/demo');
        showAlert('');
        showNotice('Thank you: your email address is verified.');
        if (getSession()) await refreshMe();
        else showView('account');
      } catch (error) {
        showAlert(describeError(error));
      }
    })();
  } else if (window.location.pathname.startsWith('/orders/')) {
    showView('orders');
  }
}

/** Shows or hides the "verify your address" reminder for the signed-in user. */
export function renderVerificationReminder(user) {
  $('#verify-reminder').hidden = !user || user.emailVerified !== false;
  $('#verify-reminder-text').textContent = user
    ? `Your address ${user.email} is not verified yet: open the link we emailed you.`
    : '';
}
