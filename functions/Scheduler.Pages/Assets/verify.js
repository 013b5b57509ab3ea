// The code screen: the resend button waits a while after a code was sent (the SMS usually comes within seconds), and
// the line under it says in words how long is left. The time is measured from the page's load by the clock, so a
// phone that slept while waiting is not held back longer. Without script the button works at once; the server limits
// how many codes a number and an address get either way.
(() => {
  const box = document.querySelector('[data-resend-after]');
  if (!box) return;
  const seconds = Number(box.dataset.resendAfter) || 0;
  if (seconds <= 0) return;
  const button = document.getElementById('resend');
  const line = document.getElementById('resend-wait');
  const until = Date.now() + seconds * 1000;
  let lastSaid = null;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) {
      button.disabled = false;
      line.textContent = box.dataset.ready;
      return;
    }
    button.disabled = true;
    // Say it every ten seconds (and each of the last five) so a screen reader is not told every second.
    const said = left > 5 ? Math.ceil(left / 10) * 10 : left;
    if (said !== lastSaid) { line.textContent = box.dataset.wait.replace('{0}', String(said)); lastSaid = said; }
    setTimeout(tick, 1000);
  };
  tick();
})();
