// Filters the service list while the resident types: the same rule as the server (every word of the query found in
// the service's data-keys: Chinese name, pinyin initials, English name). Without script the search form still works.
(() => {
  const input = document.querySelector('input[data-filter]');
  if (!input) return;
  const root = document.getElementById(input.dataset.filter);
  const none = document.getElementById('no-match');
  const filter = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const li of root.querySelectorAll('li[data-keys]')) {
      const match = words.every(w => li.dataset.keys.includes(w));
      li.hidden = !match;
      if (match) shown++;
    }
    for (const section of root.querySelectorAll('section')) section.hidden = !section.querySelector('li[data-keys]:not([hidden])');
    none.hidden = shown > 0;
  };
  input.addEventListener('input', filter);
})();
