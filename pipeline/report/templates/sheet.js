(function () {
  "use strict";
  var player = document.getElementById("player");
  var now = document.getElementById("now-playing");
  var clip = null; // {start, end} of the fragment playing, or null

  function cards() { return document.querySelectorAll("article.fragment"); }

  // "Now playing": the card that plays is marked, and the line above the player names it.
  function mark(start) {
    var title = "";
    var list = cards();
    for (var i = 0; i < list.length; i++) {
      var on = start !== null && Math.abs(parseFloat(list[i].getAttribute("data-start")) - start) < 0.01;
      list[i].classList.toggle("playing", on);
      if (on) { title = list[i].getAttribute("data-title"); }
    }
    if (now) { now.textContent = title ? now.getAttribute("data-template").replace("{title}", title) : ""; }
  }

  function clear() { clip = null; mark(null); }

  function showPlayer() {
    if (!player) { return; }
    var box = player.getBoundingClientRect();
    if (box.bottom < 0 || box.top > window.innerHeight) { player.scrollIntoView({ block: "center" }); }
  }

  function play(start, end) {
    if (!player) { return; }
    clip = end === null ? null : { start: start, end: end };
    var go = function () {
      player.currentTime = start;
      var played = player.play();
      if (played && played.catch) { played.catch(function () {}); }
    };
    if (player.readyState >= 1) { go(); } else { player.addEventListener("loadedmetadata", go, { once: true }); player.load(); }
    mark(clip ? start : null);
    showPlayer();
  }

  function times(element) {
    var end = element.getAttribute("data-end");
    return [parseFloat(element.getAttribute("data-start")), end === null ? null : parseFloat(end)];
  }

  // Buttons and timeline bands play their moment; a click anywhere else on a card plays it
  // too, except in its notes and on links, and not when the user is selecting text.
  document.addEventListener("click", function (event) {
    var target = event.target;
    var control = target.closest("button[data-start], .tl-fragment[data-start]");
    if (control) {
      if (control.disabled) { return; }
      var t = times(control);
      play(t[0], t[1]);
      return;
    }
    var card = target.closest("article.fragment");
    if (!card || target.closest(".notes, a, textarea, input, summary")) { return; }
    if (window.getSelection && String(window.getSelection()).length > 0) { return; }
    var c = times(card);
    play(c[0], c[1]);
  });

  // timeupdate fires only every 250 ms or so; checking on each frame as well stops the clip
  // within a frame of its end.
  function stopAtEnd() {
    if (clip && player.currentTime >= clip.end) { player.pause(); clear(); }
  }
  function watch() {
    stopAtEnd();
    if (clip && !player.paused) { window.requestAnimationFrame(watch); }
  }

  if (player) {
    player.addEventListener("timeupdate", stopAtEnd);
    player.addEventListener("playing", function () { window.requestAnimationFrame(watch); });
    player.addEventListener("seeking", function () {
      if (clip && (player.currentTime < clip.start - 0.5 || player.currentTime > clip.end)) { clear(); }
    });
    player.addEventListener("ended", clear);
  }

  // Notes stay in this browser (localStorage); nothing leaves the machine. The print box shows them.
  var key = "kijkwijzer-notes|" + document.body.getAttribute("data-notes-key") + "|";
  var areas = document.querySelectorAll(".notes textarea");
  function paper(area) {
    var box = area.parentNode.querySelector(".notes-paper");
    if (box) { box.textContent = area.value; }
  }
  for (var i = 0; i < areas.length; i++) {
    (function (area) {
      try { area.value = window.localStorage.getItem(key + area.id) || ""; } catch (e) { /* storage off */ }
      paper(area);
      area.addEventListener("input", function () {
        try { window.localStorage.setItem(key + area.id, area.value); } catch (e) { /* storage off */ }
        paper(area);
      });
    })(areas[i]);
  }
  var save = document.getElementById("save-notes");
  if (save) {
    save.addEventListener("click", function () {
      var text = document.title + "\n\n";
      for (var j = 0; j < areas.length; j++) {
        text += areas[j].getAttribute("data-moment") + "\n" + (areas[j].value || "-") + "\n\n";
      }
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
      link.download = save.getAttribute("data-file");
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }
})();
