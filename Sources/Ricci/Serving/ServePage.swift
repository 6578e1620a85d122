// The page `ricci serve` serves: one self-contained HTML document, no network beyond its server.

/// The page at `/`: an expression box with the seed examples one click away, the variables
/// Ricci inferred (kind, shape and property, each editable), the variables to differentiate
/// by, and the answer as MathML with its plain and LaTeX text (each with a copy button), the
/// index form, the generated NumPy module, the verdict and, on request, the derivation steps.
/// It asks `POST /api/derivative` as the user types (debounced by 250 ms; a late answer to an
/// older request is dropped), and marks the place of an error under the expression. A query
/// `?expr=…&wrt=…&var=…` fills the form and answers at once (links, and the browser test).
/// `document.body.dataset.state` is `loading`, `answer` or `error`.
enum ServePage {
    /// The examples of the seed documents, as the page's script reads them.
    static var examplesJSON: String {
        // One button per expression and variable (documents repeat their losses).
        var seen = Set<String>()
        let distinct = SeedGallery.examples.filter { seen.insert($0.expression + "\u{0}" + $0.variable).inserted }
        let examples = JSONValue.array(distinct.map { example in
            .object([
                ("label", .string(example.source)),
                ("expr", .string(example.expression)),
                ("wrt", .string(example.variable)),
                ("vars", .array(example.declarations.map { .string($0) })),
            ])
        })
        // Inside <script>, "</" must not appear: it could close the element.
        return examples.text.replacingOccurrences(of: "</", with: "<\\/")
    }

    /// The document.
    static let html: String = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Ricci — matrix derivatives</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem; color: #1b1f24; }
        h1 { font-size: 1.4rem; margin: 0.2rem 0 0.8rem; } h1 small { font-weight: normal; color: #57606a; font-size: 0.9rem; }
        label { font-weight: 600; font-size: 0.9rem; display: block; margin: 0.6rem 0 0.2rem; }
        textarea, input[type=text] { width: 100%; box-sizing: border-box; font: 1rem ui-monospace, monospace; padding: 0.4rem; border: 1px solid #8c959f; border-radius: 4px; }
        textarea { height: 3.2rem; resize: vertical; }
        #examples button { margin: 0 0.3rem 0.3rem 0; font-size: 0.8rem; border: 1px solid #d0d7de; background: #f6f8fa; border-radius: 4px; padding: 0.15rem 0.45rem; cursor: pointer; }
        table { border-collapse: collapse; font-size: 0.9rem; } td, th { padding: 0.15rem 0.6rem 0.15rem 0; text-align: left; }
        td input { width: 7rem; font: 0.9rem ui-monospace, monospace; }
        #error { color: #a40e26; white-space: pre-wrap; font-family: ui-monospace, monospace; margin-top: 0.4rem; }
        #error mark { background: #ffd8d3; color: inherit; text-decoration: underline wavy #a40e26; }
        #answer { display: none; } body[data-state=answer] #answer { display: block; }
        #math { font-size: 1.35rem; padding: 0.6rem 0; overflow-x: auto; }
        .verdict { font-size: 0.9rem; } .verdict.passed { color: #116329; } .verdict.skipped { color: #7d4e00; }
        .text { display: flex; gap: 0.5rem; align-items: flex-start; margin: 0.3rem 0; }
        .text code, pre { flex: 1; background: #f6f8fa; padding: 0.35rem 0.5rem; border-radius: 4px; font: 0.85rem ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; margin: 0; }
        .text span { width: 4.5rem; font-size: 0.8rem; color: #57606a; padding-top: 0.35rem; }
        button.copy { font-size: 0.75rem; }
        details { margin: 0.5rem 0; } summary { cursor: pointer; font-size: 0.9rem; }
        </style>
        </head>
        <body data-state="empty">
        <h1>Ricci <small>matrix calculus, verified — on this machine, offline</small></h1>
        <div id="examples"></div>
        <label for="expr">Expression</label>
        <textarea id="expr" spellcheck="false" placeholder="tr((X*W - Y)*(X*W - Y)')"></textarea>
        <div id="error" role="alert"></div>
        <label for="wrt">With respect to (several, in order, for a higher derivative)</label>
        <input type="text" id="wrt" spellcheck="false" placeholder="W">
        <label>Variables <small style="font-weight:normal">(kinds and shapes as inferred; edit a shape as <code>m,k</code>, <code>n</code> or empty for a scalar)</small></label>
        <table><thead><tr><th>name</th><th>kind</th><th>shape</th><th>property</th></tr></thead><tbody id="vars"></tbody></table>
        <label><input type="checkbox" id="steps"> show the derivation steps</label>
        <div id="answer">
          <div id="math"></div>
          <div id="verdict" class="verdict"></div>
          <div class="text"><span>plain</span><code id="plain"></code><button class="copy" data-copy="plain">copy</button></div>
          <div class="text"><span>LaTeX</span><code id="latex"></code><button class="copy" data-copy="latex">copy</button></div>
          <div class="text"><span>index</span><code id="index"></code><button class="copy" data-copy="index">copy</button></div>
          <details><summary>NumPy module (<code>ricci code</code>)</summary><div class="text"><pre id="code"></pre><button class="copy" data-copy="code">copy</button></div></details>
          <details id="stepsBox"><summary>derivation steps</summary><pre id="stepsText"></pre></details>
        </div>
        <script>
        "use strict";
        const EXAMPLES = \(examplesJSON);
        const $ = (id) => document.getElementById(id);
        let edited = {};      // name -> {shape, property} the user set
        let known = [];       // the variables of the last answer
        let serial = 0, timer = null;

        function declarations() {
          return Object.entries(edited).map(([name, v]) => {
            let text = name + ":" + v.shape.trim();
            if (v.property) text += ":" + v.property;
            return text;
          });
        }

        function showVariables(variables) {
          known = variables;
          const body = $("vars");
          body.textContent = "";
          for (const v of variables) {
            const row = document.createElement("tr");
            const shape = (edited[v.name] ? edited[v.name].shape : v.shape.join(","));
            const property = edited[v.name] ? edited[v.name].property : (v.property || "");
            row.innerHTML = "<td></td><td></td><td><input type=text></td><td><select>" +
              ["", "symmetric", "spd", "diagonal"].map(p => "<option>" + p + "</option>").join("") + "</select></td>";
            row.children[0].textContent = v.name;
            row.children[1].textContent = v.kind + (v.declared ? "" : " (inferred)");
            const input = row.querySelector("input"), select = row.querySelector("select");
            input.value = shape; select.value = property;
            const change = () => { edited[v.name] = { shape: input.value, property: select.value }; schedule(); };
            input.addEventListener("input", change); select.addEventListener("change", change);
            body.appendChild(row);
          }
        }

        function showError(message, range, expr) {
          document.body.dataset.state = "error";
          const box = $("error");
          box.textContent = message;
          if (range && expr) {
            const chars = Array.from(expr);
            const start = Math.min(range[0], chars.length), end = Math.max(start + 1, range[1]);
            const pre = document.createElement("div");
            pre.appendChild(document.createTextNode(chars.slice(0, start).join("")));
            const mark = document.createElement("mark");
            mark.textContent = chars.slice(start, end).join("") || " ";
            pre.appendChild(mark);
            pre.appendChild(document.createTextNode(chars.slice(end).join("")));
            box.appendChild(pre);
          }
        }

        function showAnswer(answer) {
          $("error").textContent = "";
          $("math").innerHTML = answer.mathml;
          for (const key of ["plain", "latex", "index", "code"]) $(key).textContent = answer[key] || answer.index;
          const verdict = $("verdict");
          verdict.className = "verdict " + answer.verified;
          verdict.textContent = "verified: " + answer.verified + " (" + answer.verification + ")";
          $("stepsBox").style.display = answer.steps ? "block" : "none";
          $("stepsText").textContent = (answer.steps || []).map(s => s.step.padEnd(13) + s.text).join("\\n");
          showVariables(answer.variables);
          document.body.dataset.state = "answer";
        }

        async function ask() {
          const expr = $("expr").value;
          const wrt = $("wrt").value.split(/[\\s,]+/).filter(Boolean);
          if (!expr.trim()) { document.body.dataset.state = "empty"; $("error").textContent = ""; return; }
          if (wrt.length === 0) { showError("name the variable to differentiate by", null, null); return; }
          const mine = ++serial;
          document.body.dataset.state = "loading";
          try {
            const response = await fetch("/api/derivative", { method: "POST", headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ expr, wrt, vars: declarations(), funcs: [], steps: $("steps").checked }) });
            const answer = await response.json();
            if (mine !== serial) return;
            if (response.ok) showAnswer(answer); else showError(answer.error, answer.range, expr);
          } catch (error) {
            if (mine === serial) showError("the server did not answer: " + error, null, null);
          }
        }

        function schedule() { clearTimeout(timer); timer = setTimeout(ask, 250); }

        function load(example) {
          $("expr").value = example.expr; $("wrt").value = example.wrt;
          edited = {};
          for (const d of example.vars) {
            const [name, shape, property] = d.split(":");
            edited[name] = { shape: shape || "", property: property || "" };
          }
          ask();
        }

        for (const example of EXAMPLES) {
          const button = document.createElement("button");
          const text = example.expr.length > 44 ? example.expr.slice(0, 42) + "…" : example.expr;
          button.textContent = text + "  ∂/∂" + example.wrt;
          button.title = example.label + " — by " + example.wrt;
          button.addEventListener("click", () => load(example));
          $("examples").appendChild(button);
        }
        for (const button of document.querySelectorAll("button.copy")) {
          button.addEventListener("click", () => navigator.clipboard.writeText($(button.dataset.copy).textContent)
            .then(() => { button.textContent = "copied"; setTimeout(() => button.textContent = "copy", 1200); }));
        }
        $("expr").addEventListener("input", () => { edited = Object.fromEntries(Object.entries(edited).filter(([n]) => $("expr").value.includes(n))); schedule(); });
        $("wrt").addEventListener("input", schedule);
        $("steps").addEventListener("change", ask);

        const query = new URLSearchParams(location.search);
        if (query.has("expr")) {
          load({ expr: query.get("expr"), wrt: query.get("wrt") || "", vars: query.getAll("var") });
        }
        </script>
        </body>
        </html>
        """
}
