// relgraph explorer: the page of `relgraph serve`.
//
// It talks only to the server it came from (the JSON API of docs/serve.md), draws with
// vis-network and edits Cypher with CodeMirror (editor.js). Text from the data only ever
// reaches the page through textContent or vis-network's labels, never as markup.
// window.relgraphExplorer exposes the state, for the browser tests.
(function () {
  "use strict";

  const $ = (selector) => document.querySelector(selector);
  const HISTORY_KEY = "relgraph.explorer.history";
  const HISTORY_SIZE = 50;

  const state = {
    info: null, schema: null, scripts: [], result: null, running: null, lastRun: null,
    nodes: new Map(), edges: new Map(), pinned: new Set(), hiddenGroups: new Set(),
    undo: [], redo: [], selected: [], years: null, ready: false, script: null,
  };

  // --- talking to the server -------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || { type: "Error", message: `HTTP ${status}` };
      super(error.message);
      this.status = status;
      this.error = error;
    }
  }

  async function api(path, body) {
    const response = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      credentials: "same-origin",
      headers: { "X-Relgraph": "1", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      let data = null;
      try { data = await response.json(); } catch (e) { /* not JSON */ }
      throw new ApiError(response.status, data);
    }
    return response;
  }

  const getJSON = async (path) => (await api(path)).json();
  const postJSON = async (path, body) => (await api(path, body)).json();

  // --- small helpers ---------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function shorten(text, limit) {
    const s = String(text);
    return s.length <= limit ? s : s.slice(0, limit - 1) + "…";
  }

  function plural(n, word) {
    return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
  }

  function showError(err) {
    const box = $("#error");
    if (!err) { box.hidden = true; box.textContent = ""; return; }
    const e = err.error || { type: "Error", message: String(err.message || err) };
    box.textContent = `${e.type}: ${e.detail || e.message}`;
    box.hidden = false;
    if (e.position) editor.showError(e.message, e.position);
  }

  function setTab(tabs, id) {
    for (const button of tabs.querySelectorAll("button[role=tab]")) {
      const on = button.id === id;
      button.setAttribute("aria-selected", String(on));
      document.getElementById(button.dataset.pane).hidden = !on;
    }
  }

  // --- the drawing -------------------------------------------------------------------------

  const nodesDS = new vis.DataSet();
  const edgesDS = new vis.DataSet();
  const network = new vis.Network($("#graph"), { nodes: nodesDS, edges: edgesDS }, {
    autoResize: true,
    nodes: { size: 14, font: { size: 13, face: "system-ui, sans-serif" }, borderWidth: 1 },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.6 } }, font: { size: 10, align: "middle" },
      color: { color: "#9aa5b1", highlight: "#0b5cad" }, smooth: { type: "dynamic" } },
    physics: { solver: "forceAtlas2Based", stabilization: { iterations: 150 } },
    interaction: { hover: true, multiselect: true, tooltipDelay: 200 },
  });

  function tooltip(text) {
    const node = document.createElement("div");
    node.textContent = text;
    return node;
  }

  function visNode(n) {
    return {
      id: n.id, label: n.caption,
      title: tooltip(`${n.name}\n${n.labels.join(", ")}`), shape: n.shape,
      color: { background: n.color, border: "#4a5560", highlight: { background: n.color, border: "#0b5cad" } },
      hidden: isHidden(n), fixed: state.pinned.has(n.id),
      borderWidth: state.pinned.has(n.id) ? 3 : 1,
    };
  }

  function visEdge(e) {
    return { id: e.id, from: e.from, to: e.to, label: e.type + (e.year ? ` ${e.year}` : ""),
      title: tooltip(e.type), hidden: isHidden(e) };
  }

  function isHidden(item) {
    if (item.group !== undefined && state.hiddenGroups.has(item.group)) return true;
    if (item.from !== undefined) {
      const a = state.nodes.get(item.from), b = state.nodes.get(item.to);
      if (!a || !b || isHidden(a) || isHidden(b)) return true;
    }
    if (state.years && item.year !== undefined) {  // a range of years is shown while it overlaps
      const last = item.yearTo === undefined ? item.year : item.yearTo;
      return last < state.years.from || item.year > state.years.to;
    }
    return false;
  }

  /** Apply a change: {nodes: [...added], edges: [...added], removeNodes: [ids], removeEdges: [ids]}. */
  function apply(change) {
    for (const id of change.removeEdges || []) { state.edges.delete(id); edgesDS.remove(id); }
    for (const id of change.removeNodes || []) { state.nodes.delete(id); state.pinned.delete(id); nodesDS.remove(id); }
    for (const n of change.nodes || []) state.nodes.set(n.id, n);
    for (const e of change.edges || []) if (state.nodes.has(e.from) && state.nodes.has(e.to)) state.edges.set(e.id, e);
    nodesDS.update((change.nodes || []).map(visNode));
    edgesDS.update((change.edges || []).filter((e) => state.edges.has(e.id)).map(visEdge));
    refreshCanvasSide();
  }

  function inverse(change) {
    return {
      nodes: (change.removedNodes || []), edges: (change.removedEdges || []),
      removeNodes: (change.nodes || []).map((n) => n.id), removeEdges: (change.edges || []).map((e) => e.id),
      removedNodes: change.nodes, removedEdges: change.edges,
    };
  }

  /** Record what a change will remove (so it can be undone), apply it, and put it on the undo stack. */
  function commit(change) {
    const newNodes = (change.nodes || []).filter((n) => !state.nodes.has(n.id));
    const newEdges = (change.edges || []).filter((e) => !state.edges.has(e.id));
    const removedNodes = (change.removeNodes || []).map((id) => state.nodes.get(id)).filter(Boolean);
    const dropped = new Set(change.removeNodes || []);
    const removedEdges = [...state.edges.values()].filter((e) =>
      (change.removeEdges || []).includes(e.id) || dropped.has(e.from) || dropped.has(e.to));
    const recorded = { nodes: newNodes, edges: newEdges, removeNodes: removedNodes.map((n) => n.id),
      removeEdges: removedEdges.map((e) => e.id), removedNodes, removedEdges };
    if (!newNodes.length && !newEdges.length && !removedNodes.length && !removedEdges.length) return false;
    apply(recorded);
    state.undo.push(recorded);
    state.redo = [];
    refreshButtons();
    return true;
  }

  function undo() {
    const change = state.undo.pop();
    if (!change) return;
    apply(inverse(change));
    state.redo.push(change);
    refreshButtons();
  }

  function redo() {
    const change = state.redo.pop();
    if (!change) return;
    apply(change);
    state.undo.push(change);
    refreshButtons();
  }

  /** Draw a result: what it holds stays or comes, the rest goes (one step to undo). */
  function replaceDrawing(graph) {
    const nodes = new Set(graph.nodes.map((n) => n.id)), edges = new Set(graph.edges.map((e) => e.id));
    for (const n of graph.nodes) if (state.nodes.has(n.id)) state.nodes.set(n.id, n);  // fresher properties
    commit({ nodes: graph.nodes, edges: graph.edges,
      removeNodes: [...state.nodes.keys()].filter((id) => !nodes.has(id)),
      removeEdges: [...state.edges.keys()].filter((id) => !edges.has(id)) });
  }

  function refreshButtons() {
    $("#undo").disabled = !state.undo.length;
    $("#redo").disabled = !state.redo.length;
    $("#connect-two").disabled = state.selected.length !== 2;
  }

  function redraw() {
    nodesDS.update([...state.nodes.values()].map(visNode));
    edgesDS.update([...state.edges.values()].map(visEdge));
  }

  function refreshCanvasSide() {
    const counts = new Map();
    for (const n of state.nodes.values()) counts.set(n.group, (counts.get(n.group) || 0) + 1);
    const legend = $("#legend");
    legend.replaceChildren();
    const colours = new Map((state.schema ? state.schema.legend : []).map((l) => [l.label, l.color]));
    for (const [group, count] of [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      const button = el("button", { type: "button", "aria-pressed": String(!state.hiddenGroups.has(group)),
        onclick: () => {
          if (state.hiddenGroups.has(group)) state.hiddenGroups.delete(group); else state.hiddenGroups.add(group);
          redraw(); refreshCanvasSide();
        } },
      el("span", { class: "swatch", style: `background:${colours.get(group) || "#8a8a8a"}` }),
      el("span", { text: group }), el("span", { class: "count", text: count.toLocaleString("en") }));
      legend.append(el("li", {}, button));
    }
    const years = [...state.nodes.values(), ...state.edges.values()].flatMap((x) => [x.year, x.yearTo])
      .filter((y) => y !== undefined);
    const box = $("#years-box");
    if (!years.length) { box.hidden = true; state.years = null; return; }
    const lo = Math.min(...years), hi = Math.max(...years);
    box.hidden = false;
    for (const input of [$("#year-from"), $("#year-to")]) { input.min = lo; input.max = hi; }
    if (!state.years || state.years.lo !== lo || state.years.hi !== hi) {
      state.years = { lo, hi, from: lo, to: hi };
      $("#year-from").value = lo; $("#year-to").value = hi;
    }
    $("#year-text").textContent = `${state.years.from}–${state.years.to}`;
  }

  function onYears() {
    let from = Number($("#year-from").value), to = Number($("#year-to").value);
    if (from > to) [from, to] = [to, from];
    state.years = { ...state.years, from, to };
    $("#year-text").textContent = `${from}–${to}`;
    redraw();
  }

  // --- details -------------------------------------------------------------------------------

  function showDetails(item, kind) {
    const body = $("#details-body");
    body.replaceChildren();
    if (!item) return;
    if (kind === "node") {
      body.append(el("h2", { text: item.name }), el("p", { class: "labels", text: item.labels.join(", ") }));
    } else {
      const a = state.nodes.get(item.from), b = state.nodes.get(item.to);
      body.append(el("h2", { text: item.type }),
        el("p", { class: "labels", text: `${a ? a.name : item.from} → ${b ? b.name : item.to}` }));
    }
    const props = item.props || {};
    if (props.quote) {
      const source = state.info && state.info.sources[props.sourceId];
      body.append(el("blockquote", {}, el("span", { text: props.quote }),
        el("cite", { text: [source || props.sourceId, props.section].filter(Boolean).join(" · ") })));
    }
    const dl = el("dl");
    for (const [key, value] of Object.entries(props)) {
      if (key === "quote") continue;
      dl.append(el("dt", { text: key }), el("dd", { text: typeof value === "string" ? value : JSON.stringify(value) }));
    }
    body.append(dl);
    if (kind === "node") {
      body.append(el("div", { class: "actions" },
        el("button", { type: "button", id: "detail-expand", text: "Expand", onclick: () => expand(item.id) }),
        el("button", { type: "button", id: "detail-hide", text: "Hide", onclick: () => hideNode(item.id) }),
        el("button", { type: "button", id: "detail-pin", text: state.pinned.has(item.id) ? "Unpin" : "Pin",
          onclick: () => togglePin(item.id) })));
    }
  }

  function hideNode(id) {
    commit({ removeNodes: [id] });
    showDetails(null);
  }

  function togglePin(id) {
    if (state.pinned.has(id)) state.pinned.delete(id); else state.pinned.add(id);
    const n = state.nodes.get(id);
    if (n) nodesDS.update(visNode(n));
    showDetails(n, "node");
  }

  // --- growing the drawing ---------------------------------------------------------------------

  async function expand(id) {
    showError(null);
    const limit = Number($("#expand-limit").value) || 25;
    const type = $("#expand-types").value;
    try {
      const grown = await postJSON("/api/expand", { id, limit, types: type ? [type] : null,
        present: [...state.nodes.keys()] });
      const added = commit({ nodes: grown.nodes, edges: grown.edges });
      const node = state.nodes.get(id);
      let text = `expanded ${node ? node.name : id}: ${plural(grown.nodes.length, "new neighbour")}`;
      if (grown.omitted) text += `, ${grown.omitted.toLocaleString("en")} more not drawn (raise “expand up to”)`;
      if (!added) text = `${node ? node.name : id} has no other neighbours` + (type ? ` along ${type}` : "");
      $("#notice").textContent = text;
    } catch (err) { showError(err); }
  }

  async function connectTwo() {
    const [a, b] = state.selected;
    showError(null);
    try {
      const path = await postJSON("/api/path", { from: a, to: b });
      if (!path.nodes.length) { $("#notice").textContent = path.message; return; }
      commit({ nodes: path.nodes, edges: path.edges });
      network.selectNodes(path.nodes.map((n) => n.id));
      $("#notice").textContent = `connected in ${plural(path.length, "step")}`;
    } catch (err) { showError(err); }
  }

  async function addAndFocus(node) {
    if (!state.nodes.has(node.id)) commit({ nodes: [node] });
    network.selectNodes([node.id]);
    network.focus(node.id, { scale: 1.2, animation: { duration: 300 } });
    showDetails(state.nodes.get(node.id), "node");
    setTab($("#results .tabs"), "tab-graph");
  }

  // --- running queries ------------------------------------------------------------------------

  function newId() {
    return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function run(kind, request, limits) {
    if (state.running) return;
    showError(null);
    editor.clearError();
    const id = newId();
    state.running = { id };
    $("#run").disabled = $("#script-run").disabled = true;
    $("#cancel").hidden = false;
    $("#summary").textContent = "running…";
    $("#notice").textContent = "";
    const body = { ...request, id, connect: $("#connect").checked, ...(limits || {}) };
    try {
      const result = await postJSON(kind === "script" ? "/api/script" : "/api/query", body);
      state.lastRun = { kind, request, limits, connect: body.connect };
      $("#export-what option[value=result]").disabled = false;
      showResult(result);
      saveLocation(kind, request);
    } catch (err) {
      $("#summary").textContent = err.status === 504 ? "stopped: too slow" : err.status === 409 ? "cancelled" : "failed";
      showError(err);
    } finally {
      state.running = null;
      $("#run").disabled = $("#script-run").disabled = false;
      $("#cancel").hidden = true;
    }
  }

  function runQuery() {
    const query = editor.getValue();
    if (!query.trim()) return;
    let parameters = {};
    const text = $("#params").value.trim();
    if (text) {
      try { parameters = JSON.parse(text); } catch (e) {
        showError({ error: { type: "ParameterError", message: `the parameters are not JSON: ${e.message}` } });
        return;
      }
    }
    remember(query, text);
    run("query", { query, parameters });
  }

  async function cancel() {
    if (!state.running) return;
    try { await postJSON("/api/cancel", { id: state.running.id }); } catch (err) { showError(err); }
  }

  function showResult(result) {
    state.result = result;
    network.once("stabilizationIterationsDone", () => network.fit({ animation: false }));
    replaceDrawing(result.graph);
    network.stabilize(120);  // lay the new drawing out, then fit it to the canvas
    const g = result.graph;
    let summary = `${plural(result.rowCount, "row")} · ${plural(g.nodeCount, "node")} · ` +
      `${plural(g.edgeCount, "relationship")} · ${result.elapsedMs} ms · ${result.backend}`;
    const changed = Object.entries(result.counters || {}).map(([k, v]) => `${k.replace(/_/g, " ")}: ${v}`);
    if (changed.length) summary += ` · ${changed.join(", ")}`;
    $("#summary").textContent = summary;
    const notice = $("#notice");
    notice.replaceChildren();
    const limits = state.info.limits;
    if (result.rows.length < result.rowCount) {
      const more = Math.min(result.rowCount, limits.maxRows);
      notice.append(el("span", { text: `showing ${result.rows.length.toLocaleString("en")} of ${result.rowCount.toLocaleString("en")} rows` }),
        el("button", { type: "button", id: "more-rows", text: `show ${more.toLocaleString("en")}`,
          onclick: () => run(state.lastRun.kind, state.lastRun.request, { ...state.lastRun.limits, rows: more }) }));
    }
    if (g.nodes.length < g.nodeCount) {
      const more = Math.min(g.nodeCount, limits.maxNodes);
      notice.append(el("span", { text: ` drawing ${g.nodes.length.toLocaleString("en")} of ${g.nodeCount.toLocaleString("en")} nodes` }),
        el("button", { type: "button", id: "more-nodes", text: `draw ${more.toLocaleString("en")}`,
          onclick: () => run(state.lastRun.kind, state.lastRun.request, { ...state.lastRun.limits, nodes: more }) }));
    }
    renderTable(result);
    $("#json").textContent = JSON.stringify(result.rows.map((row) =>
      Object.fromEntries(result.columns.map((c, i) => [c, row[i]]))), null, 2);
    if (!g.nodes.length && result.rows.length) setTab($("#results .tabs"), "tab-table");
    else if (g.nodes.length) setTab($("#results .tabs"), "tab-graph");
  }

  function cellNode(value) {
    if (value === null || value === undefined) return el("span", { text: "" });
    if (typeof value === "object" && value.$type === "node") {
      return el("button", { type: "button", class: "chip", text: `(${value.name}:${value.labels.join(":")})`,
        onclick: () => { const n = state.nodes.get(value.id); if (n) addAndFocus(n); } });
    }
    if (typeof value === "object" && value.$type === "relationship") return el("span", { text: `[:${value.type}]` });
    if (typeof value === "object" && value.$type === "path") {
      return el("span", { text: `path of ${plural(value.relationships.length, "relationship")}` });
    }
    if (Array.isArray(value) && value.some((v) => v && typeof v === "object" && v.$type)) {
      const span = el("span");
      value.forEach((v, i) => { if (i) span.append(", "); span.append(cellNode(v)); });
      return span;
    }
    return el("span", { text: typeof value === "string" ? value : JSON.stringify(value) });
  }

  function renderTable(result) {
    const table = $("#table");
    table.replaceChildren();
    table.append(el("thead", {}, el("tr", {}, ...result.columns.map((c) => el("th", { text: c })))));
    const body = el("tbody");
    for (const row of result.rows) body.append(el("tr", {}, ...row.map((v) => el("td", {}, cellNode(v)))));
    table.append(body);
  }

  // --- history and the address bar ---------------------------------------------------------------

  function history() {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(query, params) {
    const past = history().filter((h) => h.query !== query || h.params !== params);
    past.unshift({ query, params });
    localStorage.setItem(HISTORY_KEY, JSON.stringify(past.slice(0, HISTORY_SIZE)));
    fillHistory();
  }

  function fillHistory() {
    const select = $("#history");
    select.replaceChildren(el("option", { value: "", text: "earlier queries…" }));
    history().forEach((h, i) => select.append(el("option", { value: String(i), text: shorten(h.query.replace(/\s+/g, " "), 80) })));
  }

  function saveLocation(kind, request) {
    const params = new URLSearchParams();
    if (kind === "script") {
      params.set("script", request.name);
      params.set("args", JSON.stringify(request.parameters || {}));
    } else {
      params.set("q", request.query);
      if (request.parameters && Object.keys(request.parameters).length) params.set("p", JSON.stringify(request.parameters));
    }
    history_replace("#" + params.toString());
  }

  function history_replace(hash) {
    window.history.replaceState(null, "", window.location.pathname + hash);
  }

  function restoreLocation() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    if (params.has("q")) {
      editor.setValue(params.get("q"));
      $("#params").value = params.get("p") || "";
      runQuery();
      return true;
    }
    if (params.has("script")) {
      let args = {};
      try { args = JSON.parse(params.get("args") || "{}"); } catch (e) { args = {}; }
      const script = state.scripts.find((s) => s.name === params.get("script"));
      if (script) { chooseScript(script, args); setTab($("#side .tabs"), "tab-library"); runScript(); return true; }
    }
    return false;
  }

  // --- the library ----------------------------------------------------------------------------------

  function fillScripts() {
    const list = $("#scripts");
    list.replaceChildren();
    for (const script of state.scripts) {
      list.append(el("li", {}, el("button", { type: "button", "data-script": script.name, title: script.description,
        onclick: () => chooseScript(script) }, el("span", { text: script.title || script.name }))));
    }
  }

  function chooseScript(script, values) {
    state.script = script;
    for (const b of document.querySelectorAll("#scripts button")) {
      b.setAttribute("aria-current", String(b.dataset.script === script.name));
    }
    $("#script-form").hidden = false;
    $("#script-title").textContent = script.title || script.name;
    $("#script-description").textContent = script.description;
    const fields = $("#script-fields");
    fields.replaceChildren();
    for (const p of script.parameters) {
      const id = `param-${p.name}`;
      const given = values && p.name in values ? values[p.name] : p.default;
      let input;
      if (p.type === "boolean") {
        input = el("input", { type: "checkbox", id, name: p.name });
        input.checked = given === true || given === "true";
      } else {
        input = el("input", { type: p.type === "int" || p.type === "float" ? "number" : "text", id, name: p.name,
          step: p.type === "float" ? "any" : undefined, autocomplete: "off",
          placeholder: p.entity ? `a name, key or alias${p.label ? ` (${p.label})` : ""}` : p.type });
        input.value = given === null || given === undefined ? "" : Array.isArray(given) ? given.join(", ") : String(given);
        if (p.entity) {
          const list = el("datalist", { id: `${id}-list` });
          input.setAttribute("list", list.id);
          input.addEventListener("input", debounce(() => suggest(input, list, p.label), 150));
          fields.append(list);
        }
      }
      fields.append(el("label", { for: id, text: `${p.name} (${p.label || p.type})` }), input);
    }
  }

  async function suggest(input, list, label) {
    const q = input.value.trim();
    if (!q) return;
    try {
      const found = await getJSON(`/api/search?q=${encodeURIComponent(q)}${label ? `&label=${encodeURIComponent(label)}` : ""}&limit=10`);
      list.replaceChildren(...found.results.map((n) => el("option", { value: n.name })));
    } catch (err) { /* suggestions are a convenience */ }
  }

  function runScript() {
    const script = state.script;
    if (!script) return;
    const parameters = {};
    for (const p of script.parameters) {
      const input = document.getElementById(`param-${p.name}`);
      if (p.type === "boolean") parameters[p.name] = input.checked ? "true" : "false";
      else if (input.value !== "" || !p.required) {
        if (input.value === "" && (p.type === "int" || p.type === "float")) continue;
        parameters[p.name] = input.value;
      }
    }
    run("script", { name: script.name, parameters });
  }

  // --- finding --------------------------------------------------------------------------------------

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  async function search() {
    const q = $("#search").value.trim();
    const list = $("#search-results");
    if (!q) { list.replaceChildren(); return; }
    try {
      const found = await getJSON(`/api/search?q=${encodeURIComponent(q)}`);
      list.replaceChildren(...found.results.map((n) => el("li", {}, el("button", { type: "button", onclick: () => addAndFocus(n) },
        el("span", { class: "swatch", style: `background:${n.color}` }), el("span", { text: n.name }),
        el("span", { class: "count", text: n.labels.join(", ") })))));
      if (!found.results.length) list.replaceChildren(el("li", { class: "hint", text: "no entity has that name" }));
    } catch (err) { showError(err); }
  }

  // --- exporting ------------------------------------------------------------------------------------

  function visibleIds() {
    const nodes = [...state.nodes.values()].filter((n) => !isHidden(n)).map((n) => n.id);
    const shown = new Set(nodes);
    const relationships = [...state.edges.values()].filter((e) => shown.has(e.from) && shown.has(e.to) && !isHidden(e)).map((e) => e.id);
    return { nodes, relationships };
  }

  function download(blob, name) {
    const link = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  /** What the download asks the server for: the drawing (what is shown), or the last run again
   *  in full (every node it returns, past the drawing's cap), as `relgraph export` would. */
  function exportRequest(format) {
    if ($("#export-what").value !== "result" || !state.lastRun) return { format, ...visibleIds() };
    const { kind, request, connect } = state.lastRun;
    return kind === "script"
      ? { format, script: request.name, parameters: request.parameters, connect }
      : { format, query: request.query, parameters: request.parameters, connect };
  }

  async function exportDrawing() {
    const format = $("#export-format").value;
    showError(null);
    if (format === "png" || format === "svg") {
      if ($("#export-what").value === "result") {
        showError({ error: { type: "ExportError", message: "a picture shows the drawing: choose the drawing, or a data format for the last result" } });
        return;
      }
      if (format === "png") $("#graph canvas").toBlob((blob) => download(blob, "relgraph-drawing.png"), "image/png");
      else download(new Blob([svg()], { type: "image/svg+xml" }), "relgraph-drawing.svg");
      return;
    }
    try {
      const response = await api("/api/export", exportRequest(format));
      const disposition = response.headers.get("Content-Disposition") || "";
      const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || `relgraph-export.${format}`;
      download(await response.blob(), name);
    } catch (err) { showError(err); }
  }

  function escapeXml(text) {
    return String(text).replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]);
  }

  /** The drawing as SVG: straight relationships with arrows, nodes as circles in their colour, names below. */
  function svg() {
    const { nodes, relationships } = visibleIds();
    const positions = network.getPositions(nodes);
    const xs = nodes.map((id) => positions[id].x), ys = nodes.map((id) => positions[id].y);
    const pad = 60;
    const minX = Math.min(...xs, 0) - pad, minY = Math.min(...ys, 0) - pad;
    const width = Math.max(...xs, 0) - minX + pad, height = Math.max(...ys, 0) - minY + pad;
    const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="${minX} ${minY} ${width} ${height}" width="${Math.round(width)}" height="${Math.round(height)}" font-family="sans-serif">`,
      '<defs><marker id="arrow" viewBox="0 0 10 10" refX="24" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#9aa5b1"/></marker></defs>'];
    for (const id of relationships) {
      const e = state.edges.get(id), a = positions[e.from], b = positions[e.to];
      parts.push(`<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="#9aa5b1" marker-end="url(#arrow)"/>`);
      parts.push(`<text x="${(a.x + b.x) / 2}" y="${(a.y + b.y) / 2}" font-size="9" fill="#4a5560" text-anchor="middle">${escapeXml(e.type)}</text>`);
    }
    for (const id of nodes) {
      const n = state.nodes.get(id), p = positions[id];
      parts.push(`<circle cx="${p.x}" cy="${p.y}" r="12" fill="${escapeXml(n.color)}" stroke="#4a5560"/>`);
      parts.push(`<text x="${p.x}" y="${p.y + 26}" font-size="12" text-anchor="middle">${escapeXml(n.caption)}</text>`);
    }
    parts.push("</svg>");
    return parts.join("\n");
  }

  // --- wiring ------------------------------------------------------------------------------------

  const editor = RelgraphEditor.create($("#editor"), {
    doc: "// Who visited whom: people, their visits and the host countries\n" +
      "MATCH path = (:Person)-[:MADE_VISIT]->(:Visit)-[:HOSTED_BY]->(:Country)\nRETURN path",
    onRun: runQuery,
  });

  network.on("doubleClick", (params) => { if (params.nodes.length) expand(params.nodes[0]); });
  network.on("click", (params) => {
    state.selected = params.nodes.slice(-2);
    refreshButtons();
    if (params.nodes.length) showDetails(state.nodes.get(params.nodes[params.nodes.length - 1]), "node");
    else if (params.edges.length) showDetails(state.edges.get(params.edges[0]), "edge");
  });
  network.on("dragEnd", (params) => {
    for (const id of params.nodes) if (state.pinned.has(id)) nodesDS.update({ id, fixed: true });
  });

  for (const tabs of document.querySelectorAll(".tabs")) {
    tabs.addEventListener("click", (event) => {
      const button = event.target.closest("button[role=tab]");
      if (button) setTab(tabs, button.id);
    });
  }
  $("#run").addEventListener("click", runQuery);
  $("#params").addEventListener("input", () => {  // $name completes the parameters given here
    try {
      const given = JSON.parse($("#params").value || "{}");
      if (given && typeof given === "object" && !Array.isArray(given)) editor.setSchema({ parameters: Object.keys(given) });
    } catch (e) { /* not JSON yet: keep the names we had */ }
  });
  $("#cancel").addEventListener("click", cancel);
  $("#undo").addEventListener("click", undo);
  $("#redo").addEventListener("click", redo);
  $("#fit").addEventListener("click", () => network.fit({ animation: { duration: 300 } }));
  $("#clear").addEventListener("click", () => { commit({ removeNodes: [...state.nodes.keys()] }); showDetails(null); });
  $("#connect-two").addEventListener("click", connectTwo);
  $("#export").addEventListener("click", exportDrawing);
  $("#year-from").addEventListener("input", onYears);
  $("#year-to").addEventListener("input", onYears);
  $("#search").addEventListener("input", debounce(search, 200));
  $("#history").addEventListener("change", (event) => {
    const picked = history()[Number(event.target.value)];
    if (picked) { editor.setValue(picked.query); $("#params").value = picked.params || ""; }
    event.target.value = "";
  });
  $("#script-form").addEventListener("submit", (event) => { event.preventDefault(); runScript(); });
  document.addEventListener("keydown", (event) => {
    const inEditor = event.target.closest && event.target.closest(".cm-editor, input, textarea");
    if (inEditor || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z") return;
    event.preventDefault();
    if (event.shiftKey) redo(); else undo();
  });

  async function start() {
    try {
      const [info, schema, scripts] = await Promise.all([getJSON("/api/info"), getJSON("/api/schema"), getJSON("/api/scripts")]);
      state.info = info; state.schema = schema; state.scripts = scripts.scripts;
      $("#store").textContent = `${info.store} · ${plural(info.nodes, "node")}, ${plural(info.relationships, "relationship")}`;
      if (info.write) {
        $("#mode").textContent = "can write";
        $("#mode").className = "mode-write";
        $("#write-banner").hidden = false;
      }
      $("#expand-limit").value = info.limits.expand;
      editor.setSchema({ labels: Object.keys(schema.labels), types: Object.keys(schema.types),
        propertyKeys: schema.propertyKeys, functions: schema.functions, procedures: schema.procedures,
        parameters: [] });
      const types = $("#expand-types");
      for (const t of Object.keys(schema.types)) types.append(el("option", { value: t, text: t }));
      const formats = $("#export-format");
      for (const f of info.formats) formats.append(el("option", { value: f.name, text: f.name, title: f.description }));
      formats.append(el("option", { value: "png", text: "png (picture)" }), el("option", { value: "svg", text: "svg (picture)" }));
      fillScripts();
      fillHistory();
      state.ready = true;
      restoreLocation();
    } catch (err) {
      $("#store").textContent = "cannot reach the explorer's server";
      showError(err);
    }
  }

  window.relgraphExplorer = {
    state, network, editor, nodesDS, edgesDS, undo, redo, expand, runQuery,
    drawnCounts: () => ({ nodes: nodesDS.get({ filter: (n) => !n.hidden }).length,
      edges: edgesDS.get({ filter: (e) => !e.hidden }).length }),
    svg,
  };
  start();
})();
