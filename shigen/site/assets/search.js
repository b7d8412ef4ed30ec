/* shigen site search: runs in the page on the index in data/search.js (window.SHIGEN_SEARCH); nothing is fetched.
 *
 * fold() is the JavaScript twin of shigen.text.search_key (NFKC, white space removed, katakana to hiragana,
 * lower case): the index holds the records' text folded in Python, the query is folded here, and the tests
 * check on many strings that both give the same result. matches() is the twin of shigen.site.search.matches.
 */
(function (global) {
  "use strict";

  /* exactly the characters Python's str.isspace() accepts (what re's \s removes in search_key) */
  var WHITE = /[\t\n\u000b\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

  function fold(text) {
    var s = String(text || "").normalize("NFKC").replace(WHITE, "");
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      out += c >= 0x30a1 && c <= 0x30f6 ? String.fromCharCode(c - 0x60) : s.charAt(i);
    }
    return out.toLowerCase();
  }

  function terms(query) {
    var parts = String(query || "").normalize("NFKC").split(WHITE);
    var out = [];
    for (var i = 0; i < parts.length; i++) {
      var f = fold(parts[i]);
      if (f) out.push(f);
    }
    return out;
  }

  function genreHit(word, keys) {
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (k && (word.indexOf(k) >= 0 || k.indexOf(word) >= 0)) return true;
    }
    return false;
  }

  /* item: one row of SHIGEN_SEARCH.items; filters: {words, whole, district, genre, days: [..], free} */
  function matches(item, genres, filters) {
    if (filters.genre !== null && item[2] !== filters.genre) return false;
    if (filters.district !== null && item[10].indexOf(filters.district) < 0) return false;
    if (filters.free && !item[12]) return false;
    if (filters.days.length) {
      if (item[11] < 0) return false; /* days unknown: not shown for a day filter (as shigen find) */
      for (var d = 0; d < filters.days.length; d++) {
        if (!(item[11] & (1 << filters.days[d]))) return false;
      }
    }
    var words = filters.words;
    if (!words.length) return true;
    var keys = genres[item[2]].keys;
    var key = item[13];
    if (filters.whole && (key.indexOf(filters.whole) >= 0 || genreHit(filters.whole, keys))) return true;
    for (var w = 0; w < words.length; w++) {
      if (key.indexOf(words[w]) < 0 && !genreHit(words[w], keys)) return false;
    }
    return true;
  }

  function makeFilters(query, district, genre, days, free) {
    return {
      words: terms(query), whole: fold(query), district: district, genre: genre, days: days, free: !!free,
    };
  }

  /* hits in catalogue order, records whose name holds every word first (as shigen find ranks a name hit) */
  function search(data, filters) {
    var first = [], rest = [];
    for (var i = 0; i < data.items.length; i++) {
      var item = data.items[i];
      if (!matches(item, data.genres, filters)) continue;
      var nameHit = filters.words.length > 0;
      for (var w = 0; w < filters.words.length; w++) {
        if (item[14].indexOf(filters.words[w]) < 0) nameHit = false;
      }
      (nameHit ? first : rest).push(item);
    }
    return first.concat(rest);
  }

  var api = { fold: fold, terms: terms, matches: matches, makeFilters: makeFilters, search: search };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
    return;
  }
  global.shigenSearch = api;

  /* --- the page --------------------------------------------------------------------------- */
  var PAGE = 30;
  var DAY_NAMES = ["月", "火", "水", "木", "金", "土", "日", "祝"];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fact(dl, label, value, href) {
    if (!value) return;
    var row = el("div");
    row.appendChild(el("dt", "", label));
    var dd = el("dd");
    if (href) {
      var a = el("a", "tel", value);
      a.href = href;
      dd.appendChild(a);
    } else {
      dd.textContent = value;
    }
    row.appendChild(dd);
    dl.appendChild(row);
  }

  function card(item, data) {
    var art = el("article", "card");
    var h = el("h3", "card-title");
    var a = el("a", "", item[1]);
    a.href = "resource/" + item[3];
    h.appendChild(a);
    art.appendChild(h);
    if (item[9]) art.appendChild(el("p", "content", item[9]));
    var dl = el("dl", "facts");
    fact(dl, "ジャンル", data.genres[item[2]].name);
    var digits = String(item[4] || "").replace(/[^\d+]/g, "");
    fact(dl, "電話", item[4], digits.length >= 5 ? "tel:" + digits : "");
    fact(dl, "営業日", item[5]);
    fact(dl, "営業時間", item[6]);
    fact(dl, "料金", item[7]);
    fact(dl, "利用できる地域", item[8]);
    art.appendChild(dl);
    return art;
  }

  function intOrNull(v) {
    if (v === null || v === "") return null;
    var n = parseInt(v, 10);
    return isNaN(n) ? null : n;
  }

  function start() {
    var data = global.SHIGEN_SEARCH;
    var form = document.getElementById("search");
    if (!data || !form) return;
    var q = document.getElementById("q");
    var d = document.getElementById("d");
    var g = document.getElementById("g");
    var free = document.getElementById("free");
    var boxes = form.querySelectorAll('input[name="day"]');
    var results = document.getElementById("results");
    var count = document.getElementById("count");
    var more = document.getElementById("more");
    var hits = [], shown = 0;

    function showMore() {
      var end = Math.min(hits.length, shown + PAGE);
      var frag = document.createDocumentFragment();
      for (var i = shown; i < end; i++) frag.appendChild(card(hits[i], data));
      results.appendChild(frag);
      shown = end;
      more.hidden = shown >= hits.length;
    }

    function run() {
      var days = [];
      for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) days.push(parseInt(boxes[i].value, 10));
      var filters = makeFilters(q.value, intOrNull(d.value), intOrNull(g.value), days, free.checked);
      hits = search(data, filters);
      results.textContent = "";
      shown = 0;
      var cond = [];
      if (q.value.trim()) cond.push("「" + q.value.trim() + "」");
      if (filters.district !== null) cond.push(data.districts[filters.district]);
      if (filters.genre !== null) cond.push(data.genres[filters.genre].name);
      if (days.length) cond.push(days.map(function (x) { return DAY_NAMES[x]; }).join("・") + "曜");
      if (filters.free) cond.push("無料");
      count.textContent = (cond.length ? cond.join("・") + " で " : "") +
        (hits.length ? hits.length + " 件見つかりました。" : "見つかりませんでした。ことばを短くするか、しぼりこみを減らしてください。");
      showMore();
    }

    var params = new URLSearchParams(global.location.search);
    q.value = params.get("q") || "";
    if (params.get("d") !== null) d.value = params.get("d");
    if (params.get("g") !== null) g.value = params.get("g");
    free.checked = params.get("free") === "1";
    var wanted = params.getAll("day");
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = wanted.indexOf(boxes[i].value) >= 0;

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      run();
      var heading = document.getElementById("h-results");
      if (heading) heading.focus(); /* on a phone the results are below the form: bring them into view */
      var p = new URLSearchParams(new FormData(form));
      try {
        global.history.replaceState(null, "", "?" + p.toString());
      } catch (e) {
        /* some browsers refuse on file:// — the search still ran */
      }
    });
    more.addEventListener("click", function () {
      var before = shown;
      showMore();
      var next = results.children[before];
      if (next) {
        var link = next.querySelector("a");
        if (link) link.focus();
      }
    });
    run();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(typeof window !== "undefined" ? window : globalThis);
