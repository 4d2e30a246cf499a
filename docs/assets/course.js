/* The course's own page behaviour, on top of Material (kept small: every page loads it).
 *
 * - Search: Pagefind (built after the site by scripts/hooks.py). A button in the header opens
 *   a dialog; Pagefind's UI and index are fetched only then, and only the index of the page's
 *   language (Pagefind splits it by <html lang>). A result opens with the query highlighted as
 *   typed (?highlight=...).
 * - Language switch: the link to the other language keeps the reader's place, mapping the
 *   current section's anchor to the same section of the twin page (#course-twins, written by
 *   scripts/hooks.py from the headings of both pages).
 */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh";
  var text = lang === "zh"
    ? { search: "搜索", close: "关闭" }
    : { search: "Search", close: "Close" };
  var config = JSON.parse((document.getElementById("__config") || { textContent: "{}" }).textContent);
  // Pagefind's bundle is at the root of the whole site (`base` leads there from both languages).
  var siteRoot = new URL((config.base || ".") + "/", location.href);
  var bundle = new URL("pagefind/", siteRoot).href;

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      el.onload = resolve;
      el.onerror = reject;
      document.head.appendChild(el);
    });
  }

  var dialog = null;
  function openSearch() {
    if (dialog) { dialog.showModal(); focusInput(); return; }
    dialog = document.createElement("dialog");
    dialog.className = "course-search";
    dialog.setAttribute("aria-label", text.search);
    dialog.innerHTML = '<button type="button" class="course-search__close" aria-label="' + text.close +
      '">×</button><div id="course-search-ui"></div>';
    document.body.appendChild(dialog);
    dialog.querySelector(".course-search__close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
    dialog.showModal();
    Promise.all([
      load("link", { rel: "stylesheet", href: bundle + "pagefind-ui.css" }),
      load("script", { src: bundle + "pagefind-ui.js" }),
    ]).then(function () {
      new window.PagefindUI({
        element: "#course-search-ui", bundlePath: bundle, showImages: false,
        showSubResults: true, resetStyles: false, processResult: withHighlight,
      });
      focusInput();
    });
  }
  // Highlight the query as typed ("小批量"), not each of its words ("小" everywhere).
  function withHighlight(result) {
    var input = dialog.querySelector("input");
    var query = input ? input.value.trim() : "";
    function mark(url) {
      if (!query) return url;
      var parts = url.split("#");
      return parts[0] + (parts[0].indexOf("?") < 0 ? "?" : "&") + "highlight=" + encodeURIComponent(query) +
        (parts.length > 1 ? "#" + parts.slice(1).join("#") : "");
    }
    result.url = mark(result.url);
    (result.sub_results || []).forEach(function (sub) { sub.url = mark(sub.url); });
    return result;
  }
  function focusInput() {
    var input = dialog && dialog.querySelector("input");
    if (input) input.focus();
    else setTimeout(focusInput, 50);
  }

  function addSearchButton() {
    var header = document.querySelector(".md-header__inner");
    if (!header) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button md-icon course-search-button";
    button.title = text.search + " (/)";
    button.setAttribute("aria-label", text.search);
    button.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M9.5 3A6.5 6.5 0 0 1 16 ' +
      '9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 ' +
      '3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>';
    button.addEventListener("click", openSearch);
    var source = header.querySelector(".md-header__source");
    header.insertBefore(button, source);
    document.addEventListener("keydown", function (e) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((e.target || {}).tagName || "");
      if (!typing && (e.key === "/" || e.key === "s") && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        openSearch();
      }
    });
  }

  function highlightSearchTerms() {
    if (!new URLSearchParams(location.search).has("highlight")) return;
    import(bundle + "pagefind-highlight.js").then(function (module) {
      var Highlight = module.default || window.PagefindHighlight;
      new Highlight({ highlightParam: "highlight", markContext: "article" });
    });
  }

  function keepPlaceWhenSwitchingLanguage() {
    var data = document.getElementById("course-twins");
    if (!data) return;
    var twins = JSON.parse(data.textContent);
    function currentSection() {
      if (location.hash) return decodeURIComponent(location.hash.slice(1));
      var id = null;
      document.querySelectorAll(".md-content h2[id], .md-content h3[id]").forEach(function (h) {
        if (h.getBoundingClientRect().top < 120) id = h.id;
      });
      return id;
    }
    document.querySelectorAll("a[hreflang]").forEach(function (link) {
      link.addEventListener("click", function (e) {
        var map = twins[link.getAttribute("hreflang")];
        var section = currentSection();
        if (!map || !section || !map[section]) return;
        e.preventDefault();
        e.stopImmediatePropagation();
        location.href = link.href.split("#")[0] + "#" + encodeURIComponent(map[section]);
      }, true);
    });
  }

  addSearchButton();
  highlightSearchTerms();
  keepPlaceWhenSwitchingLanguage();
})();
