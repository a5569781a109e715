// Progressive enhancement only: on narrow screens start with the filter panel folded.
(function () {
  var box = document.querySelector("details.filter-box");
  if (box && window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
    box.open = false;
  }
})();
