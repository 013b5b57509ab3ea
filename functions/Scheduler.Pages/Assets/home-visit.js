// The home-visit request page: "use where I am now" (the browser's location) and, when a map is configured, a pin
// on the map; both fill the hidden latitude and longitude the form posts. Without script the form still posts.
(() => {
  const lat = document.getElementById('latitude'), lng = document.getElementById('longitude');
  const status = document.getElementById('location-status');
  const locate = document.getElementById('locate');
  if (!lat || !locate) return;
  let marker = null, map = null;
  const set = (a, b) => {
    lat.value = a.toFixed(6); lng.value = b.toFixed(6);
    status.textContent = status.dataset.set;
    if (map) { if (marker) marker.setLatLng([a, b]); else marker = L.marker([a, b], { keyboard: false }).addTo(map); }
  };
  if ('geolocation' in navigator) {
    locate.hidden = false;
    locate.addEventListener('click', () => navigator.geolocation.getCurrentPosition(
      p => set(p.coords.latitude, p.coords.longitude),
      () => { status.textContent = status.dataset.failed; },
      { enableHighAccuracy: true, timeout: 15000 }));
  }
  const box = document.getElementById('pin-map');
  if (box && window.L) {
    map = L.map(box).setView([Number(box.dataset.lat), Number(box.dataset.lng)], 13);
    L.tileLayer(box.dataset.tiles, { maxZoom: 18 }).addTo(map);
    map.on('click', e => set(e.latlng.lat, e.latlng.lng));
    if (lat.value && lng.value) set(Number(lat.value), Number(lng.value));
  }
})();
