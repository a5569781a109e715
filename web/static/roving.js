// One Tab stop per group of links (sort, period, related words): the arrow keys, Home and End move inside
// the group, Tab leaves it. Without this script every link stays a Tab stop of its own.
(function () {
  "use strict";
  function links(group) {
    return Array.prototype.slice.call(group.querySelectorAll("a[href]"));
  }
  function focusAt(group, items, i) {
    items.forEach(function (a, k) { a.tabIndex = k === i ? 0 : -1; });
    items[i].focus();
  }
  function setUp(group) {
    var items = links(group);
    if (items.length < 2) { return; }
    var current = items.findIndex(function (a) { return a.getAttribute("aria-current"); });
    items.forEach(function (a, k) { a.tabIndex = k === Math.max(current, 0) ? 0 : -1; });
    group.setAttribute("role", "toolbar");
    Array.prototype.forEach.call(group.children, function (li) {
      if (li.tagName === "LI") { li.setAttribute("role", "none"); }
    });
    group.addEventListener("keydown", function (e) {
      var i = items.indexOf(document.activeElement);
      if (i < 0) { return; }
      var next = {ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1,
                  Home: 0, End: items.length - 1}[e.key];
      if (next === undefined) { return; }
      e.preventDefault();
      focusAt(group, items, (next + items.length) % items.length);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-roving]"), setUp);
  });
})();
