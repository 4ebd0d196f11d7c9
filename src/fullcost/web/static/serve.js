// fullcost serve: the page's controls. A change writes the state into the address bar (set=PATH=VALUE, samples,
// seed, dollars) and asks this server to recompute (debounced); the answer's sections replace the old ones in
// place. Nothing is fetched from anywhere but this server.
(function () {
  "use strict";
  var DEBOUNCE_MS = 250;

  // --- the assumptions table's filter (also on sections drawn again) ---
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!input.matches || !input.matches("input[data-filter]")) { return; }
    var table = document.getElementById(input.getAttribute("data-filter"));
    if (!table || !table.tBodies[0]) { return; }
    var q = input.value.trim().toLowerCase(), shown = 0, rows = table.tBodies[0].rows;
    Array.prototype.forEach.call(rows, function (tr) {
      var hit = !q || tr.textContent.toLowerCase().indexOf(q) !== -1;
      tr.hidden = !hit;
      if (hit) { shown += 1; }
    });
    var count = document.getElementById(input.getAttribute("data-filter") + "-count");
    if (count) { count.textContent = shown + " of " + rows.length + " inputs"; }
  });

  var panel = document.getElementById("controls");
  var result = document.getElementById("result");
  if (!panel || !result) { return; }
  var api = panel.getAttribute("data-api");
  var controlApi = panel.getAttribute("data-control-api");
  var status = panel.querySelector(".status");
  var errorBox = panel.querySelector(".error");
  var list = panel.querySelector(".ctl-list");
  var form = panel.querySelector("form.state");

  // the state, read from the URL: overrides keep their order
  var params = new URLSearchParams(window.location.search);
  var sets = [];
  params.getAll("set").forEach(function (s) {
    var i = s.indexOf("=");
    if (i > 0) { sets.push([s.slice(0, i).trim(), s.slice(i + 1).trim()]); }
  });
  // defaults: the page's own (a model page draws 100,000 samples, a lab page 10,000 as the CLI does)
  var other = {samples: params.get("samples") || form.elements.samples.value || "100000",
               seed: params.get("seed") || form.elements.seed.value || "0",
               dollars: params.get("dollars") || ""};

  function setOverride(path, value) {
    var v = (value || "").trim();
    for (var i = 0; i < sets.length; i += 1) {
      if (sets[i][0] === path) {
        if (v) { sets[i][1] = v; } else { sets.splice(i, 1); }
        return;
      }
    }
    if (v) { sets.push([path, v]); }
  }

  function query() {
    var q = new URLSearchParams();
    sets.forEach(function (s) { q.append("set", s[0] + "=" + s[1]); });
    q.append("samples", other.samples);
    q.append("seed", other.seed);
    if (other.dollars) { q.append("dollars", other.dollars); }
    return q.toString();
  }

  function fmt(kind, v) {
    if (kind === "pct") { return (v * 100).toFixed(1).replace(/\.0$/, "") + "%"; }
    var a = Math.abs(v), s = kind === "usd" ? "$" : "";
    if (a >= 1e9) { return s + (v / 1e9).toPrecision(3) + "B"; }
    if (a >= 1e6) { return s + (v / 1e6).toPrecision(3) + "M"; }
    if (a >= 1e3) { return s + (v / 1e3).toPrecision(3) + "K"; }
    return s + String(Math.round(v * 1000) / 1000);
  }

  var timer = null, inflight = null, generation = 0;

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(recompute, DEBOUNCE_MS);
  }

  function links(q) {
    Array.prototype.forEach.call(document.querySelectorAll("a.dl[data-base]"), function (a) {
      a.setAttribute("href", a.getAttribute("data-base") + "?" + q);
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[type=hidden][name=set]"), function (h) {
      h.parentNode.removeChild(h);
    });
    sets.forEach(function (s) {
      var h = document.createElement("input");
      h.type = "hidden"; h.name = "set"; h.value = s[0] + "=" + s[1];
      form.insertBefore(h, form.firstChild);
    });
  }

  function recompute() {
    timer = null;
    var q = query();
    window.history.replaceState(null, "", window.location.pathname + "?" + q);
    links(q);
    if (inflight) { inflight.abort(); }
    var mine = new AbortController(), gen = generation += 1;
    inflight = mine;
    result.classList.add("stale");
    status.textContent = "recomputing " + Number(other.samples).toLocaleString("en") + " simulations…";
    var started = Date.now();
    fetch(api + "?" + q, {headers: {"Accept": "application/json"}, signal: mine.signal})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (gen !== generation) { return; }
        inflight = null;
        result.classList.remove("stale");
        if (!res.ok) {
          errorBox.textContent = res.body.error || "the server could not answer";
          errorBox.hidden = false;
          status.textContent = "";
          return;
        }
        errorBox.hidden = true;
        result.innerHTML = res.body.html;
        addButtons();
        status.textContent = "recomputed in " + ((Date.now() - started) / 1000).toFixed(2) + " s";
        document.body.setAttribute("data-state", res.body.query);
        document.body.setAttribute("data-shown", q);  // the state whose figures are on the page
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") { return; }
        result.classList.remove("stale");
        errorBox.textContent = "the server could not be reached";
        errorBox.hidden = false;
      });
  }

  function bind(ctl) {
    var path = ctl.getAttribute("data-path");
    var range = ctl.querySelector(".ctl-range");
    var text = ctl.querySelector(".ctl-text");
    var out = ctl.querySelector(".ctl-value");
    var reset = ctl.querySelector(".ctl-reset");
    if (range) {
      range.addEventListener("input", function () {
        if (out) { out.textContent = fmt(range.getAttribute("data-fmt"), Number(range.value)); }
        text.value = range.value;
        ctl.classList.add("set");
        setOverride(path, range.value);
        schedule();
      });
    }
    text.addEventListener("change", function () {
      setOverride(path, text.value);
      ctl.classList.toggle("set", !!text.value.trim());
      if (range && text.value.trim() && !isNaN(Number(text.value))) {
        range.value = text.value;
        if (out) { out.textContent = fmt(range.getAttribute("data-fmt"), Number(text.value)); }
      }
      schedule();
    });
    reset.addEventListener("click", function () {
      text.value = "";
      ctl.classList.remove("set");
      if (out) { out.textContent = "as written"; }
      setOverride(path, "");
      schedule();
    });
  }

  Array.prototype.forEach.call(panel.querySelectorAll(".ctl"), bind);

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    other.samples = form.elements.samples.value || "100000";
    other.seed = form.elements.seed.value || "0";
    other.dollars = form.elements.dollars ? form.elements.dollars.value.trim() : "";
    schedule();
  });

  function addControl(path) {
    var existing = list.querySelector('.ctl[data-path="' + CSS.escape(path) + '"]');
    if (existing) { existing.scrollIntoView({block: "center"}); return; }
    var i = list.children.length + 100;
    fetch(controlApi + "?" + new URLSearchParams({input: path, i: String(i)}).toString(),
          {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (!res.ok) { errorBox.textContent = res.body.error; errorBox.hidden = false; return; }
        var holder = document.createElement("div");
        holder.innerHTML = res.body.html;
        var ctl = holder.firstElementChild;
        list.appendChild(ctl);
        bind(ctl);
        ctl.scrollIntoView({block: "center"});
      });
  }

  function addButtons() {
    Array.prototype.forEach.call(result.querySelectorAll("tr[data-input]"), function (tr) {
      var cell = tr.cells[0];
      if (!cell || cell.querySelector("button.add-ctl")) { return; }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "add-ctl";
      b.textContent = "control";
      b.setAttribute("data-input", tr.getAttribute("data-input"));
      b.addEventListener("click", function () { addControl(b.getAttribute("data-input")); });
      cell.appendChild(b);
    });
  }

  addButtons();
})();
