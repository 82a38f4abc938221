/// The map page's inline styles, markup and script (see `MapPage`). The script reads the
/// JSON block `atlas-data`, draws on one canvas (50k points are 50k `fillRect`s, not 50k
/// DOM nodes), and marks `<html data-ready="ms">` once the first picture is drawn and the
/// handlers are attached, so a test or a benchmark can tell when the page is interactive.
enum MapPageAssets {
    static let style = """
        html, body { margin: 0; height: 100%; font: 13px/1.4 system-ui, sans-serif; color: #222; background: #fff; }
        body { display: grid; grid-template-columns: 1fr 260px; grid-template-rows: auto 1fr; }
        header { grid-column: 1 / 3; display: flex; gap: 12px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; }
        header h1 { font-size: 15px; margin: 0; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        #filter { flex: 0 1 320px; padding: 3px 6px; font: inherit; }
        #count { color: #666; white-space: nowrap; }
        #stage { position: relative; overflow: hidden; }
        #map { position: absolute; inset: 0; width: 100%; height: 100%; cursor: crosshair; }
        #labels { position: absolute; inset: 0; pointer-events: none; }
        .label { position: absolute; transform: translate(-50%, -50%); font-weight: 600; font-size: 12px; white-space: nowrap;
                 padding: 0 3px; background: rgba(255,255,255,.72); border-radius: 3px; }
        #tip { position: absolute; pointer-events: none; display: none; background: #222; color: #fff; padding: 4px 7px;
               border-radius: 4px; max-width: 480px; font-size: 12px; z-index: 2; }
        #tip b { display: block; word-break: break-all; }
        #legend { list-style: none; margin: 0; padding: 6px 8px; overflow-y: auto; border-left: 1px solid #ddd; }
        #legend li { display: flex; gap: 6px; align-items: baseline; padding: 2px 0; cursor: pointer; }
        #legend li.off { opacity: .35; }
        #legend .swatch { flex: none; width: 10px; height: 10px; border-radius: 2px; }
        #legend .size { margin-left: auto; color: #666; font-variant-numeric: tabular-nums; }

        """

    static let body = """
        <body>
        <header><h1 id="title"></h1><input id="filter" type="search" placeholder="Filter by name or path" autocomplete="off">
        <span id="count"></span></header>
        <div id="stage"><canvas id="map"></canvas><div id="labels"></div><div id="tip"></div></div>
        <ul id="legend"></ul>

        """

    static let script = #"""
        "use strict";
        (function () {
          const data = JSON.parse(document.getElementById("atlas-data").textContent);
          const P = data.points, n = P.length / 5, G = 10000;
          const palette = ["#1f77b4","#ff7f0e","#2ca02c","#d62728","#9467bd","#8c564b","#e377c2","#7f7f7f","#bcbd22",
            "#17becf","#aec7e8","#ffbb78","#98df8a","#ff9896","#c5b0d5","#c49c94","#f7b6d2","#dbdb8d","#9edae5","#393b79",
            "#637939","#8c6d31","#843c39","#7b4173","#3182bd","#e6550d","#31a354","#756bb1","#636363","#b5cf6b"];
          const colour = c => c < palette.length ? palette[c] : "hsl(" + Math.round(c * 137.508 % 360) + ",60%,50%)";
          const canvas = document.getElementById("map"), ctx = canvas.getContext("2d");
          const stage = document.getElementById("stage"), tip = document.getElementById("tip");
          const filter = document.getElementById("filter"), count = document.getElementById("count");
          const members = data.clusters.map(() => []);
          for (let i = 0; i < n; i++) members[P[5 * i + 2]].push(i);
          const hidden = new Uint8Array(data.clusters.length);
          let matches = null, hover = -1, view = null, drag = null;
          document.getElementById("title").textContent = data.title;

          function fit() {
            const w = stage.clientWidth, h = stage.clientHeight, pad = 28;
            const s = Math.max(1e-6, Math.min((w - 2 * pad) / G, (h - 2 * pad) / G));
            view = { s: s, fit: s, dx: (w - G * s) / 2, dy: (h - G * s) / 2 };
          }
          const X = i => P[5 * i] * view.s + view.dx, Y = i => P[5 * i + 1] * view.s + view.dy;
          const shown = i => !hidden[P[5 * i + 2]] && (matches === null || matches[i] === 1);

          function draw() {
            const r = window.devicePixelRatio || 1, w = stage.clientWidth, h = stage.clientHeight;
            if (canvas.width !== Math.round(w * r) || canvas.height !== Math.round(h * r)) {
              canvas.width = Math.round(w * r); canvas.height = Math.round(h * r);
            }
            ctx.setTransform(r, 0, 0, r, 0, 0);
            ctx.clearRect(0, 0, w, h);
            // Bigger points for fewer units, growing (slower than the map) as one zooms in.
            const base = n < 500 ? 7 : n < 5000 ? 4 : n < 30000 ? 3 : 2;
            const size = Math.min(3 * base, base * Math.sqrt(Math.max(1, view.s / view.fit)));
            let drawn = 0;
            ctx.fillStyle = "#dddddd";
            for (let i = 0; i < n; i++) if (!shown(i)) ctx.fillRect(X(i) - size / 2, Y(i) - size / 2, size, size);
            members.forEach((list, c) => {
              if (hidden[c]) return;
              ctx.fillStyle = colour(c);
              for (const i of list) {
                if (matches !== null && matches[i] !== 1) continue;
                ctx.fillRect(X(i) - size / 2, Y(i) - size / 2, size, size);
                drawn++;
              }
            });
            if (hover >= 0) {
              ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
              ctx.beginPath(); ctx.arc(X(hover), Y(hover), size + 3, 0, 2 * Math.PI); ctx.stroke();
            }
            canvas.dataset.points = String(n);
            canvas.dataset.drawn = String(drawn);
            placeLabels();
          }

          const labels = data.clusters.map((c, k) => {
            const el = document.createElement("div");
            el.className = "label"; el.textContent = c.label; el.style.color = colour(k);
            document.getElementById("labels").appendChild(el);
            return el;
          });
          function placeLabels() {
            data.clusters.forEach((c, k) => {
              labels[k].style.left = (c.x * view.s + view.dx) + "px";
              labels[k].style.top = (c.y * view.s + view.dy) + "px";
              labels[k].style.display = hidden[k] || c.size === 0 ? "none" : "";
            });
          }

          const legend = document.getElementById("legend");
          data.clusters.forEach((c, k) => {
            const li = document.createElement("li"), sw = document.createElement("span");
            const name = document.createElement("span"), size = document.createElement("span");
            sw.className = "swatch"; sw.style.background = colour(k);
            name.className = "name"; name.textContent = c.label;
            size.className = "size"; size.textContent = String(c.size);
            li.append(sw, name, size);
            li.title = "Show or hide this cluster";
            li.addEventListener("click", () => { hidden[k] ^= 1; li.classList.toggle("off", hidden[k] === 1); draw(); });
            legend.appendChild(li);
          });

          function applyFilter() {
            const q = filter.value.trim().toLowerCase();
            if (q === "") { matches = null; count.textContent = n + " units, " + data.clusters.length + " clusters"; draw(); return; }
            matches = new Uint8Array(n);
            const pathHit = data.paths.map(p => p.toLowerCase().includes(q));
            let hits = 0;
            for (let i = 0; i < n; i++) {
              if (pathHit[P[5 * i + 3]] || data.names[i].toLowerCase().includes(q)) { matches[i] = 1; hits++; }
            }
            count.textContent = hits + " of " + n + " units match";
            draw();
          }

          function nearest(mx, my) {
            let best = -1, bestD = 64;
            for (let i = 0; i < n; i++) {
              if (!shown(i)) continue;
              const dx = X(i) - mx, dy = Y(i) - my, d = dx * dx + dy * dy;
              if (d < bestD) { bestD = d; best = i; }
            }
            return best;
          }
          function urlFor(i) {
            const rel = data.paths[P[5 * i + 3]], abs = data.root.replace(/\/$/, "") + "/" + rel;
            const url = data.editor.split("{path}").join(encodeURI(abs)).split("{relpath}").join(encodeURI(rel))
              .split("{line}").join(String(P[5 * i + 4]));
            // vscode://file/{path} with an absolute path would start the path with two slashes.
            return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^\/?#]*\/)\/+/i, "$1");
          }
          function showTip(i, mx, my) {
            if (i < 0) { tip.style.display = "none"; return; }
            tip.replaceChildren();
            const b = document.createElement("b"); b.textContent = data.names[i];
            const where = document.createElement("div"); where.textContent = data.paths[P[5 * i + 3]] + ":" + P[5 * i + 4];
            const group = document.createElement("div"); group.textContent = data.clusters[P[5 * i + 2]].label;
            group.style.color = "#bbb";
            tip.append(b, where, group);
            tip.style.display = "block";
            const left = Math.min(mx + 14, stage.clientWidth - tip.offsetWidth - 4);
            tip.style.left = Math.max(4, left) + "px";
            tip.style.top = Math.min(my + 14, stage.clientHeight - tip.offsetHeight - 4) + "px";
          }

          canvas.addEventListener("mousemove", e => {
            if (drag) { view.dx = drag.dx + e.offsetX - drag.x; view.dy = drag.dy + e.offsetY - drag.y; drag.moved = true; draw(); return; }
            const i = nearest(e.offsetX, e.offsetY);
            if (i !== hover) { hover = i; draw(); }
            showTip(i, e.offsetX, e.offsetY);
          });
          canvas.addEventListener("mouseleave", () => { drag = null; hover = -1; showTip(-1); draw(); });
          canvas.addEventListener("mousedown", e => { drag = { x: e.offsetX, y: e.offsetY, dx: view.dx, dy: view.dy, moved: false }; });
          canvas.addEventListener("mouseup", e => {
            const moved = drag && drag.moved; drag = null;
            if (!moved && hover >= 0) window.location.href = urlFor(hover);
          });
          canvas.addEventListener("wheel", e => {
            e.preventDefault();
            const f = Math.exp(-e.deltaY * 0.0015);
            view.dx = e.offsetX - (e.offsetX - view.dx) * f; view.dy = e.offsetY - (e.offsetY - view.dy) * f; view.s *= f;
            draw();
          }, { passive: false });
          canvas.addEventListener("dblclick", () => { fit(); draw(); });
          filter.addEventListener("input", applyFilter);
          window.addEventListener("resize", () => { fit(); draw(); });

          fit();
          applyFilter();
          canvas.dataset.editorExample = n > 0 ? urlFor(0) : "";
          document.documentElement.dataset.ready = String(Math.round(performance.now()));
        })();

        """#
}
