// The local phone: shows new messages as they arrive (the local inbox, polled every two seconds, each message once), and signs a reply
// as Twilio would (HMAC-SHA1 over the public URL and the sorted form) before posting it to the real inbound webhook.
(() => {
  const phone = document.getElementById('phone');
  if (!phone) return;
  const { url, from, token } = phone.dataset;
  const status = document.getElementById('status');
  const body = document.getElementById('body');
  const inbox = document.getElementById('inbox');
  const inboxUrl = '/api/local/sms?to=' + encodeURIComponent(from);

  // Messages are told apart by their id, not by their count or time: several may carry the same instant.
  const seen = new Set([...inbox.querySelectorAll('li[data-id]')].map(li => li.dataset.id));

  async function poll() {
    try {
      const list = await (await fetch(inboxUrl)).json();
      const fresh = list.filter(m => !seen.has(m.id)).reverse();
      for (const m of fresh) {
        seen.add(m.id);
        const li = document.createElement('li');
        li.dataset.id = m.id;
        const p = document.createElement('p');
        p.textContent = m.text;
        const small = document.createElement('small');
        small.textContent = m.at + ' · ' + m.kind + ' · ' + m.status;
        li.append(p, small);
        inbox.append(li);
      }
      if (fresh.length > 0) {
        const empty = document.getElementById('empty');
        if (empty) empty.hidden = true;
        status.textContent = '';
      }
    } finally {
      setTimeout(poll, 2000);
    }
  }
  setTimeout(poll, 2000);

  document.getElementById('reply').addEventListener('submit', async ev => {
    ev.preventDefault();
    const params = { MessageSid: 'SMlocal' + crypto.randomUUID().replace(/-/g, ''), From: from, To: 'centre', Body: body.value };
    let data = url;
    for (const k of Object.keys(params).sort()) data += k + params[k];
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(token), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
    const signature = btoa(String.fromCharCode(...mac));
    const r = await fetch('/api/sms/inbound', { method: 'POST', headers: { 'X-Twilio-Signature': signature }, body: new URLSearchParams(params) });
    if (!r.ok) { status.textContent = status.dataset.refused + r.status; return; }
    status.textContent = status.dataset.sent;
    const mine = document.createElement('li');
    mine.className = 'mine';
    mine.textContent = params.Body;
    inbox.append(mine);
    body.value = '';
  });
})();
