// The local phone: signs a reply as Twilio would (HMAC-SHA1 over the public URL and the sorted form), posts it to
// the real inbound webhook, then waits for the answer in the local inbox and shows it.
(() => {
  const phone = document.getElementById('phone');
  if (!phone) return;
  const { url, from, token } = phone.dataset;
  const status = document.getElementById('status');
  const body = document.getElementById('body');
  document.getElementById('reply').addEventListener('submit', async ev => {
    ev.preventDefault();
    const params = { MessageSid: 'SMlocal' + crypto.randomUUID().replace(/-/g, ''), From: from, To: 'centre', Body: body.value };
    let data = url;
    for (const k of Object.keys(params).sort()) data += k + params[k];
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(token), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
    const signature = btoa(String.fromCharCode(...mac));
    const before = (await (await fetch('/api/local/sms?to=' + encodeURIComponent(from))).json()).length;
    const r = await fetch('/api/sms/inbound', { method: 'POST', headers: { 'X-Twilio-Signature': signature }, body: new URLSearchParams(params) });
    if (!r.ok) { status.textContent = status.dataset.refused + r.status; return; }
    status.textContent = status.dataset.sent;
    const inbox = document.getElementById('inbox');
    const mine = document.createElement('li');
    mine.className = 'mine';
    mine.textContent = body.value;
    inbox.append(mine);
    body.value = '';
    for (let i = 0; i < 30; i++) {
      await new Promise(res => setTimeout(res, 1000));
      const list = await (await fetch('/api/local/sms?to=' + encodeURIComponent(from))).json();
      if (list.length > before) {
        for (const m of list.slice(0, list.length - before).reverse()) {
          const li = document.createElement('li');
          const p = document.createElement('p');
          p.textContent = m.text;
          const small = document.createElement('small');
          small.textContent = m.at + ' · ' + m.kind + ' · ' + m.status;
          li.append(p, small);
          inbox.append(li);
        }
        status.textContent = '';
        return;
      }
    }
  });
})();
