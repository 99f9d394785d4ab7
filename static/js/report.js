// The report form: add, remove and reorder activities, preview chosen photos,
// and keep a second tap from sending the form twice. Without this script the
// form still works: one blank activity row, saved when filled in.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var list = document.getElementById("activities");
  var template = document.getElementById("empty-activity");
  var total = form.querySelector("input[name$='-TOTAL_FORMS']");
  var addButton = form.querySelector("[data-add-activity]");

  function cards() { return Array.prototype.slice.call(list.querySelectorAll("[data-activity]")); }

  function renumber() {
    var n = 0;
    cards().forEach(function (card) {
      var deleted = card.classList.contains("is-deleted");
      if (!deleted) n += 1;
      var position = card.querySelector("[data-position]");
      if (position) position.value = deleted ? "" : n;
      var number = card.querySelector("[data-number]");
      if (number) number.textContent = n;
    });
  }

  function wire(card) {
    card.querySelectorAll("[data-move]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var step = Number(button.getAttribute("data-move"));
        var sibling = step < 0 ? card.previousElementSibling : card.nextElementSibling;
        if (!sibling) return;
        list.insertBefore(card, step < 0 ? sibling : sibling.nextElementSibling);
        renumber();
        button.focus();
      });
    });
    var remove = card.querySelector("input[name$='-DELETE']");
    if (remove) {
      remove.addEventListener("change", function () {
        card.classList.toggle("is-deleted", remove.checked);
        renumber();
      });
    }
    card.querySelectorAll("input[type=file]").forEach(function (input) {
      input.addEventListener("change", function () { preview(card); });
    });
  }

  function preview(card) {
    var box = card.querySelector("[data-preview]");
    box.textContent = "";
    card.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files, function (file) {
        var img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        box.appendChild(img);
      });
    });
  }

  cards().forEach(wire);
  addButton.hidden = false;
  addButton.addEventListener("click", function () {
    var index = Number(total.value);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var card = holder.firstElementChild;
    list.appendChild(card);
    total.value = String(index + 1);
    wire(card);
    renumber();
    card.querySelector("input, select").focus();
  });

  form.addEventListener("submit", function (event) {
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    renumber();
  });
  renumber();
})();
