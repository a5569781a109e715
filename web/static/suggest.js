// As-you-type suggestions under every search box: the ARIA 1.2 combobox pattern (list autocomplete with
// manual selection). The box keeps focus and its text; the arrows move the active option
// (aria-activedescendant), Enter searches the active one, Escape closes the list, a click searches too.
// Suggestions come from /api/suggest (the index's own words). Without this script the box is a plain one.
(function () {
  "use strict";
  var script = document.currentScript;
  var URL_BASE = (script && script.getAttribute("data-suggest-url")) || "/api/suggest";
  var DELAY_MS = 120;
  if (!window.fetch || !window.AbortController) {
    return;
  }
  var boxes = document.querySelectorAll("input.search-input");
  for (var i = 0; i < boxes.length; i++) {
    setUp(boxes[i], i);
  }

  function setUp(input, n) {
    var form = input.form;
    if (!form) {
      return;
    }
    var listId = (input.id || "search-" + n) + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "추천 검색어");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var items = [];       // suggestion texts shown, in order
    var active = -1;      // the active option, -1: none
    var timer = 0;
    var pending = null;   // the AbortController of the request in flight
    var shownFor = null;  // the box text the list was made for
    var cache = {};

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function open() {
      if (items.length && list.hidden) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function setActive(k) {
      var options = list.children;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
      }
      active = k;
      if (k >= 0 && options[k]) {
        options[k].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[k].id);
        options[k].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(text, suggestions) {
      shownFor = text;
      items = suggestions.map(function (s) { return s.text; });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      suggestions.forEach(function (s, k) {
        var li = document.createElement("li");
        li.id = listId + "-" + k;
        li.className = "suggest-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var word = document.createElement("span");
        word.className = "suggest-text";
        word.textContent = s.text;
        var count = document.createElement("span");
        count.className = "suggest-count";
        count.textContent = "기사 " + s.count.toLocaleString("ko-KR") + "건";
        li.appendChild(word);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(count);
        list.appendChild(li);
      });
      status.textContent = items.length
        ? "추천 검색어 " + items.length + "개. 위아래 화살표로 고르고 Enter로 검색합니다." : "";
      if (items.length && document.activeElement === input) {
        list.hidden = true;
        open();
      } else {
        close();
      }
    }

    function fetchFor(text) {
      if (cache.hasOwnProperty(text)) {
        render(text, cache[text]);
        return;
      }
      if (pending) {
        pending.abort();
      }
      var controller = new AbortController();
      pending = controller;
      var init = {signal: controller.signal, headers: {Accept: "application/json"}};
      fetch(URL_BASE + "?q=" + encodeURIComponent(text), init)
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) {
          if (pending !== controller) {
            return;  // a later request replaced this one
          }
          pending = null;
          cache[text] = data.suggestions || [];
          if (input.value === text) {
            render(text, cache[text]);
          }
        })
        .catch(function () { /* aborted or offline: no suggestions */ });
    }

    function choose(k) {
      if (k < 0 || k >= items.length) {
        return;
      }
      input.value = items[k];
      close();
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value;
      if (!text.trim() || /\s$/.test(text)) {
        if (pending) {
          pending.abort();
          pending = null;
        }
        items = [];
        close();
        return;
      }
      timer = setTimeout(function () { fetchFor(text); }, DELAY_MS);
    });

    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!items.length || shownFor !== input.value) {
          return;
        }
        e.preventDefault();
        if (list.hidden) {
          open();
          setActive(e.key === "ArrowDown" ? 0 : items.length - 1);
          return;
        }
        // past either end the box's own text is active again (no option), then the other end
        var next = active + (e.key === "ArrowDown" ? 1 : -1);
        if (next >= items.length) {
          next = -1;
        } else if (next < -1) {
          next = items.length - 1;
        }
        setActive(next);
      } else if (e.key === "Enter") {
        if (e.isComposing || list.hidden || active < 0) {
          return;  // an IME finishing its syllable, or the box's own text: the form submits as usual
        }
        e.preventDefault();
        choose(active);
      } else if (e.key === "Escape") {
        if (!list.hidden) {
          e.preventDefault();
          close();
        }
      } else if (e.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", close);
    input.addEventListener("focus", function () {
      if (shownFor === input.value) {
        open();
      }
    });
    // A press on an option must not take the focus from the box (its blur would close the list first).
    list.addEventListener("mousedown", function (e) {
      e.preventDefault();
    });
    list.addEventListener("click", function (e) {
      var li = e.target.closest ? e.target.closest("li.suggest-option") : null;
      if (li) {
        choose(Array.prototype.indexOf.call(list.children, li));
      }
    });
    list.addEventListener("mousemove", function (e) {
      var li = e.target.closest ? e.target.closest("li.suggest-option") : null;
      var k = li ? Array.prototype.indexOf.call(list.children, li) : -1;
      if (k >= 0 && k !== active) {
        setActive(k);
      }
    });
  }
})();
