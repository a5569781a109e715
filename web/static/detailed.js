// 상세검색 (web/templates/_detailed.html): as the fields are filled, show the query they stand for, and write it
// into the search box, so that the syntax is seen before the search. The server composes it (/api/detailed:
// the code the form's submit goes through), so the preview is always what the search will be.
(function () {
  var form = document.querySelector("form.detailed-form");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var preview = form.querySelector(".detailed-preview");
  var output = form.querySelector(".detailed-query");
  var box = document.querySelector(".search-form .search-input");
  var period = form.querySelector("select[name=period]");
  var timer = null;
  var asked = 0;

  function show() {
    var mine = ++asked;
    var query = new URLSearchParams(new FormData(form)).toString();
    fetch(form.getAttribute("data-preview") + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (got) {
        if (!got || mine !== asked) {
          return;
        }
        output.textContent = got.q || "";
        preview.hidden = !got.q;
        if (box && got.q) {
          box.value = got.q;
        }
      })
      .catch(function () { /* the preview is a help only: the form still submits */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(show, 150);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // a date typed in makes the period 직접입력; 전체 or a preset clears the dates (a preset wins over them anyway)
  form.addEventListener("input", function (e) {
    if (period && e.target && e.target.type === "date" && e.target.value) {
      period.value = "custom";
    }
  });
  if (period) {
    period.addEventListener("change", function () {
      if (period.value !== "custom") {
        form.querySelectorAll("input[type=date]").forEach(function (el) { el.value = ""; });
      }
    });
  }
})();
