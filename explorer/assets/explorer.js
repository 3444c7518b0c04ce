// Keeps every page live: every few seconds it fetches the same page again from this
// server and swaps in the new main part and footer, so the feed, the charts and the
// timelines follow the chain without a reload. It fetches nothing from anywhere else.
(function () {
  "use strict";
  var PERIOD_MS = 3000;
  var busy = false;

  function swap(next, id) {
    var now = document.getElementById(id);
    var then = next.getElementById(id);
    if (now && then && now.innerHTML !== then.innerHTML) {
      now.innerHTML = then.innerHTML;
    }
  }

  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(location.href, { cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (text) {
        if (text) {
          var next = new DOMParser().parseFromString(text, "text/html");
          swap(next, "live");
          swap(next, "status");
        }
      })
      .catch(function () {
        // The explorer is restarting or the network blinked: the next round tries again.
      })
      .then(function () {
        busy = false;
      });
  }

  setInterval(refresh, PERIOD_MS);
})();
