// Filters the index as you type. The page lists every resource without this script;
// the script only reveals the search box and hides the entries that do not match.
// A query matches an entry when each of its words begins one of the entry's words
// (the same rule as the library's Catalog.search), ignoring case and accents.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var data = document.getElementById("search-index");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  if (!form || !data || !input || !status) {
    return;
  }
  var index = JSON.parse(data.textContent);
  var entries = Array.prototype.slice.call(document.querySelectorAll("[data-id]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("[data-section]"));

  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function matches(id, wanted) {
    var words = index[id] || [];
    return wanted.every(function (part) {
      return words.some(function (word) {
        return word.startsWith(part);
      });
    });
  }

  function filter() {
    var wanted = fold(input.value).match(/[\p{L}\p{N}_]+/gu) || [];
    var shown = 0;
    entries.forEach(function (entry) {
      var hit = matches(entry.getAttribute("data-id"), wanted);
      entry.hidden = !hit;
      if (hit) {
        shown += 1;
      }
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("[data-id]:not([hidden])");
    });
    if (wanted.length === 0) {
      status.textContent = status.getAttribute("data-all") || "";
    } else if (shown === 0) {
      status.textContent = "No resource matches. Try fewer or shorter words.";
    } else {
      status.textContent = shown + (shown === 1 ? " resource matches." : " resources match.");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  input.addEventListener("input", filter);
  form.hidden = false;
  if (input.value) {
    filter();
  }
})();
