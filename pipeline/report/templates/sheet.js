(function () {
  "use strict";
  var player = document.getElementById("player");
  var now = document.getElementById("now-playing");
  var stopAt = null;

  function mark(start) {
    var cards = document.querySelectorAll("article.fragment");
    for (var i = 0; i < cards.length; i++) {
      var card = cards[i];
      var on = Math.abs(parseFloat(card.getAttribute("data-start")) - start) < 0.01;
      card.classList.toggle("playing", on);
      if (on && now) { now.textContent = card.getAttribute("data-title"); }
    }
  }

  function seekAndPlay(start, end) {
    if (!player) { return; }
    stopAt = end;
    var go = function () {
      player.currentTime = start;
      var played = player.play();
      if (played && played.catch) { played.catch(function () {}); }
    };
    if (player.readyState >= 1) { go(); } else { player.addEventListener("loadedmetadata", go, { once: true }); player.load(); }
    mark(start);
  }

  function bind(element) {
    var start = parseFloat(element.getAttribute("data-start"));
    var end = parseFloat(element.getAttribute("data-end"));
    var handler = function (event) {
      if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") { return; }
      event.preventDefault();
      seekAndPlay(start, end);
    };
    element.addEventListener("click", handler);
    if (element.tagName !== "BUTTON") { element.addEventListener("keydown", handler); }
  }

  var controls = document.querySelectorAll("button.play[data-start], .tl-fragment[data-start]");
  for (var i = 0; i < controls.length; i++) { bind(controls[i]); }

  if (player) {
    player.addEventListener("timeupdate", function () {
      if (stopAt !== null && player.currentTime >= stopAt) { player.pause(); stopAt = null; }
    });
    player.addEventListener("seeking", function () {
      if (stopAt !== null && player.currentTime > stopAt) { stopAt = null; }
    });
  }
})();
