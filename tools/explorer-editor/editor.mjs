// The Cypher editor of `relgraph serve`: CodeMirror 6 with the Cypher mode of
// @codemirror/legacy-modes, completion from the graph's schema, and one diagnostic for
// the error the server reports. build.mjs bundles this file into
// graph/explorer/static/editor.js, which defines window.RelgraphEditor.
import { EditorView, basicSetup } from "codemirror";
import { EditorState, Compartment } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { StreamLanguage } from "@codemirror/language";
import { cypher } from "@codemirror/legacy-modes/mode/cypher";
import { autocompletion } from "@codemirror/autocomplete";
import { setDiagnostics, lintGutter } from "@codemirror/lint";

const KEYWORDS = [
  "MATCH", "OPTIONAL MATCH", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER BY", "SKIP", "LIMIT",
  "DISTINCT", "AS", "AND", "OR", "XOR", "NOT", "IN", "IS NULL", "IS NOT NULL", "STARTS WITH",
  "ENDS WITH", "CONTAINS", "CASE", "WHEN", "THEN", "ELSE", "END", "UNION", "UNION ALL", "CALL",
  "YIELD", "EXISTS", "COUNT", "COLLECT", "CREATE", "MERGE", "ON CREATE SET", "ON MATCH SET", "SET",
  "REMOVE", "DELETE", "DETACH DELETE", "FOREACH", "ASC", "DESC", "true", "false", "null",
  "shortestPath", "allShortestPaths",
];

/** What the character before a position opens: "node" inside (...), "rel" inside [...], or "". */
function enclosing(text) {
  let depth = { "(": 0, "[": 0, "{": 0 };
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ")" || c === "]" || c === "}") depth[{ ")": "(", "]": "[", "}": "{" }[c]]++;
    else if (c === "(" || c === "[" || c === "{") {
      if (depth[c] > 0) depth[c]--;
      else return c === "(" ? "node" : c === "[" ? "rel" : "map";
    }
  }
  return "";
}

function completionSource(getSchema) {
  return (context) => {
    const schema = getSchema();
    const before = context.state.sliceDoc(0, context.pos);
    const label = context.matchBefore(/:[`\w]*$/);
    if (label) {
      const inside = enclosing(before.slice(0, before.length - label.text.length));
      const names = inside === "rel" ? schema.types : inside === "node" ? schema.labels
        : [...schema.labels, ...schema.types];
      return {
        from: label.from + 1,
        options: names.map((n) => ({ label: n, type: inside === "rel" ? "type" : "class" })),
        validFor: /^[`\w]*$/,
      };
    }
    const param = context.matchBefore(/\$\w*$/);
    if (param) {
      return {
        from: param.from + 1,
        options: schema.parameters.map((p) => ({ label: p, type: "variable" })),
        validFor: /^\w*$/,
      };
    }
    const prop = context.matchBefore(/[\w`]\.\w*$/);
    if (prop) {
      return {
        from: prop.from + 2,
        options: schema.propertyKeys.map((k) => ({ label: k, type: "property" })),
        validFor: /^\w*$/,
      };
    }
    const word = context.matchBefore(/[\w.]+$/);
    if (!word && !context.explicit) return null;
    return {
      from: word ? word.from : context.pos,
      options: [
        ...KEYWORDS.map((k) => ({ label: k, type: "keyword" })),
        ...schema.functions.map((f) => ({ label: f, type: "function", apply: f + "(" })),
        ...schema.procedures.map((p) => ({ label: p, type: "function" })),
      ],
      validFor: /^[\w.]*$/,
    };
  };
}

function create(parent, options = {}) {
  let schema = { labels: [], types: [], propertyKeys: [], functions: [], procedures: [], parameters: [] };
  const readOnly = new Compartment();
  const run = () => {
    if (options.onRun) options.onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc || "",
      extensions: [
        keymap.of([
          { key: "Mod-Enter", run },
          { key: "Shift-Enter", run },
        ]),
        basicSetup,
        EditorView.lineWrapping,
        StreamLanguage.define(cypher),
        autocompletion({ override: [completionSource(() => schema)], activateOnTyping: true }),
        lintGutter(),
        readOnly.of(EditorState.readOnly.of(false)),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            view.dispatch(setDiagnostics(update.state, []));
            if (options.onChange) options.onChange(update.state.doc.toString());
          }
        }),
        EditorView.contentAttributes.of({ "aria-label": options.label || "Cypher query" }),
      ],
    }),
  });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    setSchema: (next) => { schema = { ...schema, ...next }; },
    focus: () => view.focus(),
    /** Mark the error the server reported: ``offset`` into the text (or line/column, 1-based). */
    showError: (message, where) => {
      const doc = view.state.doc;
      let from = 0;
      if (where && Number.isInteger(where.offset)) from = Math.min(where.offset, doc.length);
      else if (where && where.line) {
        const line = doc.line(Math.min(where.line, doc.lines));
        from = Math.min(line.from + Math.max((where.column || 1) - 1, 0), line.to);
      }
      const to = Math.min(from + 1, doc.length);
      view.dispatch(setDiagnostics(view.state, [{ from, to: Math.max(to, from), severity: "error", message }]));
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    },
    clearError: () => view.dispatch(setDiagnostics(view.state, [])),
  };
}

window.RelgraphEditor = { create };
