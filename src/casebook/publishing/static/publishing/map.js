// The portal's map over the tile server an administrator chose (publishing/mapping.py,
// `tile_map`): Leaflet from our own static files, the same circles as the drawing below it.
// Without this script, or without a tile server, the page shows the drawing over the
// outline that ships with Casebook, and no request leaves for anyone else.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.querySelector("[data-tiles]");
  if (!holder || !window.L) return;
  const data = JSON.parse(document.getElementById(holder.dataset.tiles).textContent);
  holder.hidden = false;
  const map = L.map(holder, { scrollWheelZoom: false, maxZoom: data.max_zoom });
  L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: data.max_zoom }).addTo(map);
  const bounds = [];
  for (const marker of data.markers) {
    const circle = L.circleMarker([marker.lat, marker.lon], {
      radius: marker.r,
      color: "#7a2e1f",
      weight: 1,
      fillColor: "#c8553d",
      fillOpacity: 0.75,
    }).addTo(map);
    circle.bindTooltip(marker.label);
    circle.on("click", () => { window.location.href = marker.href; });
    bounds.push([marker.lat, marker.lon]);
  }
  map.fitBounds(bounds.length ? bounds : data.frame, { padding: [20, 20], maxZoom: 9 });
  // The drawing says the same over the outline; the table below keeps every place reachable
  // by keyboard and screen reader.
  const drawing = document.querySelector("figure.map");
  if (drawing) drawing.hidden = true;
});
