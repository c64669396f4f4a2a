// The demo's mailbox: the emails the file mailbox wrote (SMTP_URL unset), so a newcomer can
// follow a password reset or verification link without a mail server.

const $ = (selector) => document.querySelector(selector);

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

const formatDate = (iso) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

async function loadList() {
  const { dir, items } = await getJson('/demo/mail/messages');
  $('#mail-dir').textContent = dir;
  $('#mail-empty').hidden = items.length > 0;
  const list = $('#mail-list');
  list.replaceChildren(
    ...items.map((mail) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.dataset.testid = 'mail-item';
      button.dataset.to = mail.to;
      button.textContent = mail.subject;
      button.addEventListener('click', () => void show(mail.id));
      const meta = document.createElement('span');
      meta.className = 'hint';
      meta.textContent = ` to ${mail.to}, ${formatDate(mail.sentAt)}`;
      const item = document.createElement('li');
      item.append(button, meta);
      return item;
    }),
  );
  const wanted = new URLSearchParams(window.location.search).get('id') ?? items[0]?.id;
  if (wanted) await show(wanted);
}

let shows = 0; // the last email asked for wins, whichever answer comes first

async function show(id) {
  const asked = ++shows;
  const mail = await getJson(`/demo/mail/messages/${encodeURIComponent(id)}`);
  if (asked !== shows) return;
  $('#mail-view').hidden = false;
  $('#mail-subject').textContent = mail.subject;
  $('#mail-meta').textContent = `From ${mail.from} to ${mail.to}, ${formatDate(mail.sentAt)}`;
  const links = [...new Set(mail.text.match(/https?:\/\/\S+/g) ?? [])];
  $('#mail-links').replaceChildren(
    ...links.map((href) => {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = href;
      a.dataset.testid = 'mail-link';
      const item = document.createElement('li');
      item.append(a);
      return item;
    }),
  );
  $('#mail-html').srcdoc = `<base target="_blank">${mail.html}`;
  $('#mail-text').textContent = mail.text;
}

$('#mail-refresh').addEventListener('click', () => void loadList());
loadList().catch((error) => {
  $('#mail-empty').hidden = false;
  $('#mail-empty').textContent = `The mailbox could not be read: ${error.message}`;
});
