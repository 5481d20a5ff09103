/* relgraph view: turns the embedded view data into a vis-network and wires the controls.
 *
 * Every piece of text from the data reaches the page through textContent, a
 * canvas caption or a plain-text tooltip, never as markup, so a name such as
 * "<img src=x onerror=...>" shows as those characters and runs nothing.
 * window.relgraphView exposes the network and the filter state to tests.
 */
(function () {
  "use strict";

  performance.mark("relgraph:start");
  const data = JSON.parse(document.getElementById("relgraph-data").textContent);
  performance.mark("relgraph:data");
  const large = !data.physics;
  const TOOLTIP_QUOTE_MAX = 180;
  const LIST_MAX = 60;
  const SEARCH_MAX = 12;
  const PANEL_SKIP = new Set(["name", "quote", "section", "sourceId", "otherQuotes", "otherSections"]);

  const groupStyle = new Map(data.groups.map((g) => [g.label, g]));
  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const edgesOf = new Map();
  for (const e of data.edges) {
    for (const end of e.from === e.to ? [e.from] : [e.from, e.to]) {
      if (!edgesOf.has(end)) edgesOf.set(end, []);
      edgesOf.get(end).push(e);
    }
  }

  const state = {
    groups: new Map(data.groups.map((g) => [g.label, true])),
    types: new Map(data.types.map((t) => [t.type, true])),
    years: data.years ? data.years.slice() : null,
    focused: null,
    selected: null,
    ready: false,
    readyAt: null,
    notice: "",
  };

  // --- text helpers ------------------------------------------------------------------

  function shorten(text, limit) {
    const flat = String(text).replace(/\s+/g, " ").trim();
    if (flat.length <= limit) return flat;
    let cut = flat.slice(0, limit - 1);
    const space = cut.lastIndexOf(" ");
    if (space > limit / 2) cut = cut.slice(0, space);
    return cut.replace(/[ ,;:\u2013-]+$/, "") + "\u2026";
  }

  function formatValue(value) {
    if (Array.isArray(value)) return value.map(formatValue).join(", ");
    if (value !== null && typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function edgeCaption(e) {
    return e.year !== undefined ? e.type + " " + e.year : e.type;
  }

  function nodeTooltip(n) {
    const when = n.yearTo !== undefined ? n.year + "\u2013" + n.yearTo : n.year;
    const lines = [n.name, n.labels.join(" \u00b7 ") + (when !== undefined ? " \u00b7 " + when : "")];
    if (typeof n.props.quote === "string") lines.push("\u201c" + shorten(n.props.quote, TOOLTIP_QUOTE_MAX) + "\u201d");
    lines.push(n.degree + " relationship" + (n.degree === 1 ? "" : "s") + " \u00b7 click for details");
    return lines.join("\n");
  }

  function edgeTooltip(e) {
    const lines = [nodeById.get(e.from).name + " \u2192 " + edgeCaption(e) + " \u2192 " + nodeById.get(e.to).name];
    if (typeof e.props.quote === "string") lines.push("\u201c" + shorten(e.props.quote, TOOLTIP_QUOTE_MAX) + "\u201d");
    return lines.join("\n");
  }

  // --- the network -------------------------------------------------------------------

  function visNode(n) {
    const style = groupStyle.get(n.group);
    const item = {
      id: n.id, label: n.caption, title: nodeTooltip(n), shape: style.shape,
      size: n.size, color: { background: style.color, border: "#1f2d3d",
        highlight: { background: style.color, border: "#000" }, hover: { background: style.color, border: "#000" } },
    };
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    return item;
  }

  function visEdge(e) {
    const item = { id: e.id, from: e.from, to: e.to, title: edgeTooltip(e) };
    // A large view gets captions and arrows only where it is zoomed in (see showDetail):
    // laying out 20,000 captions and drawing 20,000 arrows costs seconds on a laptop.
    if (!large) item.label = edgeCaption(e);
    if (e.curve) item.smooth = { enabled: true, type: "curvedCW", roundness: e.curve };
    return item;
  }

  const nodes = new vis.DataSet(data.nodes.map(visNode));
  const edges = new vis.DataSet(data.edges.map(visEdge));
  performance.mark("relgraph:datasets");
  const options = {
    autoResize: true,
    layout: { randomSeed: 7, improvedLayout: !large && data.nodes.length <= 100 },
    physics: large ? { enabled: false } : {
      enabled: true, solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -70, centralGravity: 0.008, springLength: 130,
        springConstant: 0.05, damping: 0.5, avoidOverlap: 0.3 },
      stabilization: { enabled: true, iterations: 400, updateInterval: 50, fit: true },
      minVelocity: 1,
    },
    nodes: {
      borderWidth: 1, borderWidthSelected: 3,
      font: { size: 13, face: "system-ui, sans-serif", color: "#1f2d3d", strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { label: { drawThreshold: large ? 7 : 4 } },
    },
    edges: {
      arrows: { to: { enabled: !large, scaleFactor: 0.5 } }, width: 1, selectionWidth: 2,
      color: { color: "#9aa3ad", highlight: "#1f2d3d", hover: "#1f2d3d", inherit: false },
      font: { size: 10, face: "system-ui, sans-serif", color: "#4a5560", strokeWidth: 0,
        background: "rgba(255,255,255,0.85)", align: "middle" },
      smooth: large ? false : { enabled: true, type: "continuous", roundness: 0.3 },
      scaling: { label: { drawThreshold: large ? 9 : 5 } },
    },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: large, hideEdgesOnZoom: large,
      multiselect: false, keyboard: false },
  };
  const container = document.getElementById("network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  performance.mark("relgraph:network");

  // --- the opening view ----------------------------------------------------------------

  // Fitting a whole graph of a hundred nodes into the window draws captions 4 px high.
  // The view opens instead at a scale where captions are READABLE_PX high, on the most
  // connected part: from the node with most relationships, the window's centre moves to
  // the (degree-weighted) middle of the nodes it shows until it settles, so that it
  // frames the dense neighbourhood rather than one hub at its edge. A graph small enough
  // to be readable whole is shown whole. "Show the whole graph" fits everything.
  const READABLE_PX = 11;
  const CAPTION_PX = 13;  // options.nodes.font.size

  function openingView() {
    const readable = READABLE_PX / CAPTION_PX;
    if (!data.nodes.length || network.getScale() >= readable) return;
    const positions = network.getPositions();
    let hub = data.nodes[0];
    for (const n of data.nodes) if (n.degree > hub.degree) hub = n;
    let centre = positions[hub.id];
    const halfWidth = container.clientWidth / 2 / readable;
    const halfHeight = container.clientHeight / 2 / readable;
    for (let step = 0; step < 20; step += 1) {
      let x = 0;
      let y = 0;
      let weight = 0;
      for (const n of data.nodes) {
        const p = positions[n.id];
        if (Math.abs(p.x - centre.x) <= halfWidth && Math.abs(p.y - centre.y) <= halfHeight) {
          x += p.x * (1 + n.degree);
          y += p.y * (1 + n.degree);
          weight += 1 + n.degree;
        }
      }
      const next = { x: x / weight, y: y / weight };
      const moved = Math.hypot(next.x - centre.x, next.y - centre.y);
      centre = next;
      if (moved < 1) break;
    }
    network.moveTo({ position: centre, scale: readable, animation: false });
  }

  document.getElementById("fit-all").addEventListener("click", function () {
    network.fit({ animation: large ? false : { duration: 400, easingFunction: "easeInOutQuad" } });
  });

  function markReadyAfterDraw() {
    network.once("afterDrawing", function () {
      state.ready = true;
      state.readyAt = performance.now();
      performance.mark("relgraph:ready");
      document.body.dataset.ready = "true";
    });
    network.redraw();
  }
  if (large) {
    network.fit({ animation: false });
    openingView();
    markReadyAfterDraw();
  } else {
    // Physics lays the view out once; after that nodes stay where they are, so that
    // filtering or dragging one node does not set the whole picture moving again.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      openingView();  // stabilization has just fitted the whole graph
      markReadyAfterDraw();
    });
  }

  // --- detail on zoom (large views) -------------------------------------------------

  const DETAIL_SCALE = 0.6;
  const DETAIL_MAX = 2000;
  const detailed = new Set();
  let detailTimer = null;

  function showDetail() {
    const scale = network.getScale();
    if (scale < DETAIL_SCALE) {
      if (detailed.size) {
        edges.update(Array.from(detailed, function (id) { return { id: id, arrows: { to: { enabled: false } } }; }));
        detailed.clear();
      }
      return;
    }
    const box = container.getBoundingClientRect();
    const topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    const bottomRight = network.DOMtoCanvas({ x: box.width, y: box.height });
    const inside = function (p) {
      return p.x >= topLeft.x && p.x <= bottomRight.x && p.y >= topLeft.y && p.y <= bottomRight.y;
    };
    const changes = [];
    for (const e of data.edges) {
      if (changes.length >= DETAIL_MAX) break;
      if (detailed.has(e.id) || e.hidden) continue;
      const a = nodeById.get(e.from);
      const b = nodeById.get(e.to);
      if (inside(a) || inside(b)) {
        detailed.add(e.id);
        changes.push({ id: e.id, label: edgeCaption(e), arrows: { to: { enabled: true, scaleFactor: 0.5 } } });
      }
    }
    if (changes.length) edges.update(changes);
  }

  function scheduleDetail() {
    clearTimeout(detailTimer);
    detailTimer = setTimeout(showDetail, 120);
  }
  if (large) {
    network.on("zoom", scheduleDetail);
    network.on("dragEnd", scheduleDetail);
    network.on("animationFinished", scheduleDetail);
    scheduleDetail();  // the opening view is zoomed in enough for the captions of what it shows
  }

  // --- filters -----------------------------------------------------------------------

  // A dated item is shown when its years (one, or yearFrom..yearTo) overlap the range asked for.
  function inYears(year, yearTo) {
    const last = yearTo === undefined ? year : yearTo;
    return year === undefined || !state.years || (last >= state.years[0] && year <= state.years[1]);
  }

  function nodeShown(n) { return state.groups.get(n.group) === true && inYears(n.year, n.yearTo); }
  function edgeShown(e) {
    return state.types.get(e.type) === true && inYears(e.year, e.yearTo) &&
      !nodeById.get(e.from).hidden && !nodeById.get(e.to).hidden;
  }

  function applyFilters(keepNotice) {
    if (keepNotice !== true) state.notice = "";  // a notice explains the last reveal only
    const nodeChanges = [];
    for (const n of data.nodes) {
      const hidden = !nodeShown(n);
      if (hidden !== Boolean(n.hidden)) { n.hidden = hidden; nodeChanges.push({ id: n.id, hidden: hidden }); }
    }
    const edgeChanges = [];
    for (const e of data.edges) {
      const hidden = !edgeShown(e);
      if (hidden !== Boolean(e.hidden)) { e.hidden = hidden; edgeChanges.push({ id: e.id, hidden: hidden }); }
    }
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    showCounts();
  }

  function visibleCounts() {
    let n = 0;
    let e = 0;
    for (const item of data.nodes) if (!item.hidden) n += 1;
    for (const item of data.edges) if (!item.hidden) e += 1;
    return { nodes: n, edges: e };
  }

  function showCounts() {
    const c = visibleCounts();
    const all = c.nodes === data.nodes.length && c.edges === data.edges.length;
    document.getElementById("counts").textContent = (all ? "Showing all " : "Showing ") +
      c.nodes.toLocaleString("en") + (all ? "" : " of " + data.nodes.length.toLocaleString("en")) + " nodes and " +
      c.edges.toLocaleString("en") + (all ? "" : " of " + data.edges.length.toLocaleString("en")) +
      " relationships" + (state.notice ? ". " + state.notice : "");
  }

  let pending = false;
  function scheduleFilters() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; applyFilters(false); });
  }

  // legend: one entry per label group, with its shape, colour and count; click toggles it
  const SVG = "http://www.w3.org/2000/svg";
  function swatch(group) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "0 0 14 14");
    svg.setAttribute("aria-hidden", "true");
    const shapes = {
      dot: ["circle", { cx: 7, cy: 7, r: 6 }], square: ["rect", { x: 1, y: 1, width: 12, height: 12 }],
      diamond: ["polygon", { points: "7,0 14,7 7,14 0,7" }], triangle: ["polygon", { points: "7,1 13,13 1,13" }],
      triangleDown: ["polygon", { points: "1,1 13,1 7,13" }],
      star: ["polygon", { points: "7,0 8.8,4.9 14,5 9.8,8.2 11.3,13.5 7,10.4 2.7,13.5 4.2,8.2 0,5 5.2,4.9" }],
      hexagon: ["polygon", { points: "3.5,1 10.5,1 14,7 10.5,13 3.5,13 0,7" }],
    };
    const spec = shapes[group.shape] || shapes.dot;
    const shape = document.createElementNS(SVG, spec[0]);
    for (const name of Object.keys(spec[1])) shape.setAttribute(name, String(spec[1][name]));
    shape.setAttribute("fill", group.color);
    shape.setAttribute("stroke", "#1f2d3d");
    shape.setAttribute("stroke-width", "0.8");
    svg.appendChild(shape);
    return svg;
  }

  const legend = document.getElementById("legend");
  for (const group of data.groups) {
    const button = el("button");
    button.type = "button";
    button.dataset.label = group.label;
    button.setAttribute("aria-pressed", "true");
    button.title = "Hide or show " + group.label;
    button.append(swatch(group), el("span", group.label, "name"), el("span", group.count.toLocaleString("en"), "count"));
    button.addEventListener("click", function () {
      const on = !state.groups.get(group.label);
      state.groups.set(group.label, on);
      button.setAttribute("aria-pressed", String(on));
      applyFilters();
    });
    const li = el("li");
    li.append(button);
    legend.append(li);
  }
  function setAllGroups(on) {
    for (const button of legend.querySelectorAll("button")) {
      state.groups.set(button.dataset.label, on);
      button.setAttribute("aria-pressed", String(on));
    }
    applyFilters();
  }
  document.getElementById("labels-all").addEventListener("click", function () { setAllGroups(true); });
  document.getElementById("labels-none").addEventListener("click", function () { setAllGroups(false); });

  const typeList = document.getElementById("types");
  for (const t of data.types) {
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.type = t.type;
    box.addEventListener("change", function () { state.types.set(t.type, box.checked); applyFilters(); });
    const label = el("label");
    label.append(box, el("span", t.type, "name"), el("span", t.count.toLocaleString("en"), "count"));
    const li = el("li");
    li.append(label);
    typeList.append(li);
  }
  function setAllTypes(on) {
    for (const box of typeList.querySelectorAll("input")) { box.checked = on; state.types.set(box.dataset.type, on); }
    applyFilters();
  }
  document.getElementById("types-all").addEventListener("click", function () { setAllTypes(true); });
  document.getElementById("types-none").addEventListener("click", function () { setAllTypes(false); });

  // year range: two sliders over the years the view contains
  const yearFrom = document.getElementById("year-from");
  const yearTo = document.getElementById("year-to");
  const yearText = document.getElementById("year-text");
  function showYears() { yearText.textContent = state.years[0] + "\u2013" + state.years[1]; }
  if (data.years) {
    document.getElementById("years-box").hidden = false;
    for (const input of [yearFrom, yearTo]) { input.min = data.years[0]; input.max = data.years[1]; }
    yearFrom.value = data.years[0];
    yearTo.value = data.years[1];
    showYears();
    const onSlide = function (event) {
      let from = Number(yearFrom.value);
      let to = Number(yearTo.value);
      if (from > to) {  // the handle being moved pushes the other one along
        if (event.target === yearFrom) { to = from; yearTo.value = to; } else { from = to; yearFrom.value = from; }
      }
      state.years = [from, to];
      showYears();
      scheduleFilters();
    };
    yearFrom.addEventListener("input", onSlide);
    yearTo.addEventListener("input", onSlide);
    document.getElementById("year-reset").addEventListener("click", function () {
      yearFrom.value = data.years[0];
      yearTo.value = data.years[1];
      state.years = data.years.slice();
      showYears();
      applyFilters();
    });
  }

  // --- search ------------------------------------------------------------------------

  function normalise(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u02bb\u02bc\u2018\u2019'`]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  const searchIndex = data.nodes.map(function (n) {
    const names = [n.name];
    const aliases = n.props.aliases;
    if (Array.isArray(aliases)) for (const a of aliases) if (typeof a === "string") names.push(a);
    if (typeof n.props.key === "string") names.push(n.props.key);
    return { node: n, terms: names.map(normalise) };
  });

  function search(query) {
    const q = normalise(query);
    if (!q) return [];
    const found = [];
    for (const entry of searchIndex) {
      let rank = 4;
      for (const term of entry.terms) {
        if (term === q) rank = Math.min(rank, 0);
        else if (term.startsWith(q)) rank = Math.min(rank, 1);
        else if (term.includes(" " + q) || term.includes("-" + q)) rank = Math.min(rank, 2);
        else if (term.includes(q)) rank = Math.min(rank, 3);
      }
      if (rank < 4) found.push({ node: entry.node, rank: rank });
    }
    found.sort(function (a, b) {
      return a.rank - b.rank || b.node.degree - a.node.degree || a.node.name.localeCompare(b.node.name);
    });
    return found.map(function (f) { return f.node; });
  }

  const searchBox = document.getElementById("search");
  const results = document.getElementById("search-results");
  function showResults() {
    results.replaceChildren();
    if (!searchBox.value.trim()) return;
    const found = search(searchBox.value);
    if (!found.length) { results.append(el("li", "No node is named like that.", "empty")); return; }
    for (const n of found.slice(0, SEARCH_MAX)) {
      const button = el("button");
      button.type = "button";
      button.dataset.id = String(n.id);
      button.append(el("span", n.name, "name"), el("span", n.group, "group"));
      button.addEventListener("click", function () { focusNode(n.id); });
      const li = el("li");
      li.append(button);
      results.append(li);
    }
    if (found.length > SEARCH_MAX) results.append(el("li", (found.length - SEARCH_MAX) + " more; type more of the name", "empty"));
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      const found = search(searchBox.value);
      if (found.length) focusNode(found[0].id);
    }
  });

  function reveal(n) {
    // a node the user looked for explicitly is shown even if a filter hid it; say so
    const changed = [];
    if (!state.groups.get(n.group)) {
      state.groups.set(n.group, true);
      const button = legend.querySelector('button[data-label="' + CSS.escape(n.group) + '"]');
      if (button) button.setAttribute("aria-pressed", "true");
      changed.push("label " + n.group);
    }
    if (!inYears(n.year, n.yearTo)) {
      const last = n.yearTo === undefined ? n.year : n.yearTo;
      state.years = [Math.min(state.years[0], n.year), Math.max(state.years[1], last)];
      yearFrom.value = state.years[0];
      yearTo.value = state.years[1];
      showYears();
      changed.push("years " + state.years[0] + "\u2013" + state.years[1]);
    }
    state.notice = changed.length ? "Showing " + changed.join(" and ") + " again to show " + n.name : "";
    if (changed.length) applyFilters(true);
  }

  function focusNode(id) {
    const n = nodeById.get(id);
    if (!n) return;
    reveal(n);
    state.focused = id;
    network.selectNodes([id]);
    showNode(n);
    // vis-network animates frame by frame; with thousands of edges each frame is slow, so a
    // large view jumps to the node instead of taking seconds to glide there
    network.focus(id, { scale: Math.max(network.getScale(), 1.1),
      animation: large ? false : { duration: 450, easingFunction: "easeInOutQuad" } });
    if (large) scheduleDetail();
    showCounts();
  }

  // --- details panel -----------------------------------------------------------------

  // The panel takes room only while it shows something. When it opens or closes, the
  // canvas changes width and vis-network would rescale the picture to the new width,
  // moving everything under the user's pointer; so the scale and the top-left corner are
  // put back: the panel covers or uncovers the right edge and nothing else moves.
  const panel = document.getElementById("panel");
  const panelBody = document.getElementById("panel-body");
  const panelClose = document.getElementById("panel-close");

  function setPanelShown(shown) {
    if (panel.hidden === !shown) return;
    const scale = network.getScale();
    const corner = network.DOMtoCanvas({ x: 0, y: 0 });
    panel.hidden = !shown;
    network.setSize("100%", "100%");  // now, not at vis-network's next resize check
    network.moveTo({ scale: scale, animation: false, position: {
      x: corner.x + container.clientWidth / 2 / scale, y: corner.y + container.clientHeight / 2 / scale } });
  }

  function sourceName(id) {
    return (data.sources && data.sources[id]) || id;
  }

  function quotes(item) {
    const box = document.createDocumentFragment();
    const p = item.props;
    const list = [];
    if (typeof p.quote === "string") list.push([p.quote, p.section]);
    if (Array.isArray(p.otherQuotes)) {
      p.otherQuotes.forEach(function (q, i) {
        list.push([q, Array.isArray(p.otherSections) ? p.otherSections[i] : undefined]);
      });
    }
    if (!list.length) return box;
    box.append(el("h3", list.length === 1 ? "Source quote" : "Source quotes"));
    for (const [quote, section] of list) {
      const block = el("blockquote", null, "quote");
      block.append(el("p", "\u201c" + quote + "\u201d"));
      const where = [p.sourceId !== undefined ? sourceName(p.sourceId) : null, section].filter(Boolean);
      if (where.length) block.append(el("cite", where.join(" \u00b7 ")));
      box.append(block);
    }
    if (p.inferred === true) box.append(el("p", "Inferred from the context of the quote.", "hint"));
    return box;
  }

  function properties(item) {
    const box = document.createDocumentFragment();
    const keys = Object.keys(item.props).filter(function (k) { return !PANEL_SKIP.has(k); });
    if (!keys.length) return box;
    box.append(el("h3", "Properties"));
    const dl = el("dl", null, "props");
    for (const k of keys) dl.append(el("dt", k), el("dd", formatValue(item.props[k])));
    box.append(dl);
    return box;
  }

  function nodeLink(n) {
    const button = el("button", null, "linklike");
    button.type = "button";
    button.append(el("span", n.name));
    button.addEventListener("click", function () { focusNode(n.id); });
    return button;
  }

  function openPanel(kind, id, parts) {
    panelBody.replaceChildren(...parts);
    setPanelShown(true);
    panel.dataset.kind = kind;
    panel.dataset.id = String(id);
    state.selected = { kind: kind, id: id };
    panel.scrollTop = 0;
  }

  function showNode(n) {
    const chips = el("p", null, "chips");
    for (const label of n.labels) chips.append(el("span", label, "chip"));
    const parts = [el("h2", n.name), chips];
    if (n.year !== undefined) {
      parts.push(el("p", n.yearTo !== undefined ? "Years: " + n.year + "\u2013" + n.yearTo : "Year: " + n.year));
    }
    parts.push(quotes(n), properties(n));
    const rels = edgesOf.get(n.id) || [];
    if (rels.length) {
      parts.push(el("h3", "Relationships (" + rels.length + ")"));
      const ul = el("ul");
      for (const e of rels.slice(0, LIST_MAX)) {
        const outgoing = e.from === n.id;
        const other = nodeById.get(outgoing ? e.to : e.from);
        const li = el("li");
        const button = nodeLink(other);
        button.prepend(el("span", (outgoing ? "\u2192 " : "\u2190 ") + edgeCaption(e), "type"));
        li.append(button);
        ul.append(li);
      }
      if (rels.length > LIST_MAX) ul.append(el("li", "and " + (rels.length - LIST_MAX) + " more", "hint"));
      parts.push(ul);
    }
    openPanel("node", n.id, parts);
  }

  function showEdge(e) {
    const ends = el("p");
    ends.append(nodeLink(nodeById.get(e.from)), el("span", "\u2193 " + e.type, "chip"), nodeLink(nodeById.get(e.to)));
    const parts = [el("h2", edgeCaption(e)), ends];
    parts.push(quotes(e), properties(e));
    openPanel("edge", e.id, parts);
  }

  function closePanel() {
    panelBody.replaceChildren();
    setPanelShown(false);
    delete panel.dataset.kind;
    delete panel.dataset.id;
    state.selected = null;
  }
  panelClose.addEventListener("click", function () {
    closePanel();
    network.unselectAll();
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") closePanel(); });

  network.on("click", function (params) {
    if (params.nodes.length) showNode(nodeById.get(params.nodes[0]));
    else if (params.edges.length) showEdge(edgeById.get(params.edges[0]));
    else closePanel();
  });

  showCounts();

  window.relgraphView = {
    network: network, nodes: nodes, edges: edges, data: data, state: state,
    focusNode: focusNode, search: search, applyFilters: applyFilters, visibleCounts: visibleCounts,
    drawnCounts: function () {
      return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
    },
  };
})();
