/* Copy button for the share link: an enhancement; without JS the input selects itself (CSS). */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      input.focus();
      input.select();
      var done = function () { button.textContent = button.getAttribute("data-done"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          if (document.execCommand("copy")) { done(); }
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
})();
