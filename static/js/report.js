// The report page: photos go up one by one the moment they are picked, cards
// are added, removed and reordered, and nothing is sent twice or lost on the
// way. Without this script the same form still works: files go with the form,
// a new card comes from "再添一项活动", deletion by its tick box.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var text = form.dataset;
  var list = document.getElementById("activities");
  var total = form.querySelector("input[name$='-TOTAL_FORMS']");
  var version = form.querySelector("input[name='version']");
  var csrf = form.querySelector("input[name='csrfmiddlewaretoken']");
  var status = form.querySelector("[data-upload-status]");
  var sendButtons = form.querySelectorAll("[data-send]");
  var maxPhotos = Number(text.maxPhotos);
  var queue = [];
  var uploading = 0;
  var dirty = false;

  function each(nodes, fn) { Array.prototype.forEach.call(nodes, fn); }
  function cards() { return Array.prototype.slice.call(list.querySelectorAll("[data-activity]")); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  // Numbering and order: 序号 follows the cards as shown; the server renumbers too.
  function renumber() {
    var n = 0;
    cards().forEach(function (card) {
      var deleted = card.querySelector("input[name$='-DELETE']");
      if (!(deleted && deleted.checked)) n += 1;
      card.querySelector("[data-position]").value = n;
      card.querySelector("[data-number]").textContent = deleted && deleted.checked ? "" : n;
    });
  }

  // Photos ----------------------------------------------------------------------

  function liveTiles(card) {
    return Array.prototype.filter.call(card.querySelectorAll("[data-tile]"), function (tile) {
      return !tile.classList.contains("is-removed") && !tile.classList.contains("is-failed");
    });
  }

  function count(card) {
    var n = liveTiles(card).length;
    card.querySelector("[data-count]").textContent = n;
    var none = card.querySelector("[data-no-photo]");
    if (none) none.hidden = n > 0;
    each(card.querySelectorAll("input[type=file]"), function (input) {  // full: nothing more to pick
      input.disabled = n >= maxPhotos;
      input.parentNode.classList.toggle("disabled", n >= maxPhotos);
    });
    card.querySelector("[data-full]").hidden = n < maxPhotos;
    return n;
  }

  // 删除 on a photo: a saved or uploaded one is marked (and can be kept again);
  // one picked here that never arrived simply goes.
  function wireRemove(tile) {
    var box = tile.querySelector("[data-remove]");
    var label = box.parentNode.querySelector("span");
    box.addEventListener("change", function () {
      var card = tile.closest("[data-activity]");
      if (tile.hasAttribute("data-local") && !tile.dataset.uploadId) {
        tile.remove();
      } else {
        tile.classList.toggle("is-removed", box.checked);
        label.textContent = box.checked ? text.textUndo : text.textRemove;
      }
      dirty = true;
      count(card);
      busy();
    });
    if (box.checked) label.textContent = text.textUndo;
  }

  function note(card, message) { card.querySelector("[data-photo-note]").textContent = message || ""; }

  function pick(card, input) {
    var files = Array.prototype.slice.call(input.files);
    input.value = "";  // the files travel one by one below, never with the form
    var room = maxPhotos - count(card);
    note(card, files.length > room ? text.textLimit : "");
    files.slice(0, Math.max(room, 0)).forEach(function (file) { addTile(card, file); });
  }

  function addTile(card, file) {
    var tile = document.getElementById("photo-tile").content.firstElementChild.cloneNode(true);
    tile.querySelector(".tile-name").textContent = file.name || text.textNewPhoto;
    var img = tile.querySelector("img");
    img.alt = text.textNewPhoto + " " + (file.name || "");
    img.addEventListener("load", function () { img.hidden = false; });
    img.addEventListener("error", function () { img.hidden = true; });  // e.g. HEIC on a desktop
    img.src = URL.createObjectURL(file);
    wireRemove(tile);
    tile.querySelector("[data-retry]").addEventListener("click", function () {
      tile.classList.remove("is-failed");
      enqueue(card, tile, file);
    });
    card.querySelector("[data-tiles]").appendChild(tile);
    dirty = true;
    enqueue(card, tile, file);
  }

  function enqueue(card, tile, file) {
    tile.classList.add("is-uploading");
    tile.querySelector("[data-retry]").hidden = true;
    tile.querySelector(".photo-remove").hidden = true;
    tile.querySelector("progress").hidden = false;
    tile.querySelector("progress").value = 0;
    tile.querySelector(".tile-status").textContent = text.textUploading;
    queue.push({ card: card, tile: tile, file: file });
    count(card);
    next();
  }

  // One upload at a time: steady progress on a phone's connection, light on the server.
  function next() {
    busy();
    if (uploading || !queue.length) return;
    var job = queue.shift();
    uploading = 1;
    busy();
    send(job, function () { uploading = 0; next(); });
  }

  function send(job, done) {
    var data = new FormData();
    data.append("photo", job.file, job.file.name || "photo.jpg");
    data.append("version", version.value);
    data.append("activity", job.card.dataset.activityId || "");
    data.append("csrfmiddlewaretoken", csrf.value);
    var xhr = new XMLHttpRequest();
    var progress = job.tile.querySelector("progress");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) progress.value = Math.round(100 * event.loaded / event.total);
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if (xhr.status === 201 && answer) {
        arrived(job, answer);
      } else if (answer && answer.error) {
        failed(job, answer.error, xhr.status >= 500);  // refused: trying again will not help
      } else if (xhr.status === 413) {
        failed(job, text.textTooLarge, false);
      } else if (xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
        failed(job, text.textLoggedOut, true);
      } else {
        failed(job, text.textFailed, true);
      }
      done();
    });
    xhr.addEventListener("error", function () { failed(job, text.textNetwork, true); done(); });
    xhr.open("POST", text.uploadUrl);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.send(data);
  }

  function arrived(job, answer) {
    var tile = job.tile;
    var prefix = job.card.querySelector("[data-position]").name.replace(/position$/, "");
    tile.dataset.uploadId = answer.id;
    tile.classList.remove("is-uploading");
    tile.querySelector("progress").hidden = true;
    tile.querySelector(".tile-status").textContent = text.textUploaded;
    var img = tile.querySelector("img");
    img.src = answer.thumbnail;
    var staged = document.createElement("input");
    staged.type = "hidden";
    staged.name = prefix + "staged";
    staged.value = answer.id;
    tile.appendChild(staged);
    var remove = tile.querySelector("[data-remove]");
    remove.name = prefix + "unstage";
    remove.value = answer.id;
    tile.querySelector(".photo-remove").hidden = false;
    count(job.card);
  }

  function failed(job, message, retry) {
    var tile = job.tile;
    tile.classList.remove("is-uploading");
    tile.classList.add("is-failed");
    tile.querySelector("progress").hidden = true;
    tile.querySelector(".tile-status").textContent = message;
    tile.querySelector("[data-retry]").hidden = !retry;
    tile.querySelector(".photo-remove").hidden = false;
    count(job.card);
  }

  // Saving waits for the uploads, and says so beside the buttons.
  function busy() {
    var left = queue.length + uploading;
    var failures = form.querySelectorAll("[data-tile].is-failed").length;
    each(sendButtons, function (button) { button.disabled = left > 0; });
    if (left) status.textContent = fill(text.textBusy, { n: left });
    else if (failures) status.textContent = fill(text.textFailures, { n: failures });
    else status.textContent = "";
  }

  // Cards -----------------------------------------------------------------------

  function wire(card) {
    card.querySelectorAll("[data-move]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var step = Number(button.getAttribute("data-move"));
        var sibling = step < 0 ? card.previousElementSibling : card.nextElementSibling;
        if (!sibling) return;
        list.insertBefore(card, step < 0 ? sibling : sibling.nextElementSibling);
        dirty = true;
        renumber();
        button.focus();
      });
    });
    var remove = card.querySelector("input[name$='-DELETE']");
    var deletedNote = card.querySelector("[data-deleted-note]");
    function marked() {
      card.classList.toggle("is-deleted", remove.checked);
      deletedNote.hidden = !remove.checked;
    }
    remove.addEventListener("change", function () {
      marked();
      dirty = true;
      renumber();
    });
    marked();
    // 其他形式 is asked for only when 开展形式 is 其他.
    var kind = card.querySelector("select[name$='-form']");
    var other = card.querySelector("[data-form-other]");
    function otherShown() { other.hidden = kind.value !== "其他" && !other.querySelector("input").value; }
    kind.addEventListener("change", otherShown);
    otherShown();
    each(card.querySelectorAll("input[type=file]"), function (input) {
      input.addEventListener("change", function () { pick(card, input); });
    });
    each(card.querySelectorAll("[data-tile]"), wireRemove);
    count(card);
  }

  cards().forEach(wire);
  function addCard() {
    var index = Number(total.value);
    var holder = document.createElement("div");
    holder.innerHTML = document.getElementById("empty-activity").innerHTML.replace(/__prefix__/g, String(index));
    var card = holder.firstElementChild;
    list.appendChild(card);
    total.value = String(index + 1);
    wire(card);
    renumber();
    return card;
  }

  var addButton = form.querySelector("[data-add-activity]");
  addButton.type = "button";  // with the script, a card is added here, nothing is sent
  addButton.addEventListener("click", function () {
    addCard().querySelector("input:not([type=hidden]), select").focus();
  });

  // What is typed is also kept in this browser until it is saved, so a page that
  // is reloaded before that (大字模式, a phone that dropped the page while the
  // camera was open, a login that expired on 保存) offers it back. A kept copy
  // counts only for the version of the report it was typed on.
  var keptKey = "luoshan-unsaved:" + location.pathname;
  function fields() {
    var values = {};
    each(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "hidden" || el.type === "submit") return;
      if (el.type === "checkbox") values[el.name + "=" + el.value] = el.checked;
      else values[el.name] = el.value;
    });
    return values;
  }
  function keep() {
    try {
      localStorage.setItem(keptKey, JSON.stringify({ version: version.value, cards: total.value, values: fields() }));
    } catch (e) { /* private browsing: nothing kept, nothing lost that was not already */ }
  }
  function kept() {
    try { return JSON.parse(localStorage.getItem(keptKey) || "null"); } catch (e) { return null; }
  }
  function forget() { try { localStorage.removeItem(keptKey); } catch (e) { /* nothing kept */ } }
  function putBack(copy) {
    while (Number(total.value) < Number(copy.cards)) addCard();
    each(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "hidden") return;
      var key = el.type === "checkbox" ? el.name + "=" + el.value : el.name;
      if (!(key in copy.values)) return;
      if (el.type === "checkbox") {
        if (el.checked !== copy.values[key]) { el.checked = copy.values[key]; el.dispatchEvent(new Event("change")); }
      } else {
        el.value = copy.values[key];
      }
    });
    dirty = true;
  }
  var offer = form.querySelector("[data-restore]");
  var copy = kept();
  var differs = copy && JSON.stringify(copy.values) !== JSON.stringify(fields());
  if (form.querySelector("[data-error-summary]")) {
    keep();  // the page shows what was sent: that is the copy now
  } else if (copy && copy.version === version.value && differs) {
    offer.hidden = false;
    offer.querySelector("[data-restore-yes]").addEventListener("click", function () {
      putBack(copy);
      offer.hidden = true;
      keep();
    });
    offer.querySelector("[data-restore-no]").addEventListener("click", function () {
      offer.hidden = true;
      forget();
    });
  } else {
    forget();
  }

  form.addEventListener("input", function () { dirty = true; keep(); });
  form.addEventListener("change", keep);
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending || queue.length + uploading) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    keep();
    form.setAttribute("aria-busy", "true");
    status.textContent = text.textSending;
    dirty = false;
    renumber();
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty || queue.length + uploading) { event.preventDefault(); event.returnValue = ""; }
  });
  // Back from another page (bfcache): the form can be sent again.
  window.addEventListener("pageshow", function () { delete form.dataset.sending; form.removeAttribute("aria-busy"); });

  // After a refused save, the page opens at the list of problems; each link
  // takes the person to the field and puts the cursor in it.
  var summary = form.querySelector("[data-error-summary]");
  if (!summary && location.hash === "#error-summary") {  // the form's address, after a save that went through
    history.replaceState(null, "", location.pathname + location.search);
  }
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
  }
  renumber();
  busy();
})();
