/* shigen site: the 「文字を大きく」 switch (remembered in this browser) and the print buttons. No network use. */
(function () {
  "use strict";
  var KEY = "shigen-big";
  var root = document.documentElement;
  var remembered = false;
  try {
    remembered = window.localStorage.getItem(KEY) === "1";
  } catch (e) {
    remembered = false; /* storage may be off (private mode, some file:// settings) */
  }
  if (remembered) {
    root.classList.add("big");
  }

  function ready() {
    var button = document.getElementById("bigger");
    if (button) {
      var sync = function () {
        button.setAttribute("aria-pressed", root.classList.contains("big") ? "true" : "false");
      };
      sync();
      button.addEventListener("click", function () {
        root.classList.toggle("big");
        try {
          window.localStorage.setItem(KEY, root.classList.contains("big") ? "1" : "0");
        } catch (e) {
          /* not remembered: the switch still works on this page */
        }
        sync();
      });
    }
    var prints = document.querySelectorAll("[data-print]");
    for (var i = 0; i < prints.length; i++) {
      prints[i].addEventListener("click", function () {
        window.print();
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
