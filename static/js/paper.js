/* Paper entry: after a valid digit, move to the next box (an enhancement; Tab always works). */
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.digit"));
  boxes.forEach(function (box, index) {
    box.addEventListener("input", function () {
      if (/^[0-9]$/.test(box.value) && box.checkValidity()) {
        var next = boxes[index + 1] || document.querySelector(".paper-entry button[type=submit]");
        if (next) { next.focus(); if (next.select) { next.select(); } }
      }
    });
  });
})();
