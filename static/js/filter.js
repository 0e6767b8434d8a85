/* Optional filter for a long <select>: typing narrows its options. Without JS the plain
   select works as is (the filter box stays hidden). */
(function () {
  "use strict";
  document.querySelectorAll("[data-filter]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-filter"));
    if (!select) { return; }
    var label = document.querySelector("label[for='" + box.id + "']");
    box.hidden = false;
    if (label) { label.hidden = false; }
    var fold = function (text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase();
    };
    box.addEventListener("input", function () {
      var wanted = fold(box.value);
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = option.value !== "" && fold(option.text).indexOf(wanted) === -1;
      });
    });
  });
})();
