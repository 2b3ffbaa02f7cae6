// The mock interview's question page: a countdown when the interview is timed, and a
// draft of the answer kept in this browser so that a closed tab or a lost connection
// loses nothing. Without JavaScript the page still works; only these two are missing.
(function () {
  "use strict";

  function setText(el, text) {
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  // The countdown: from the time the server says is left (it measures the time taken
  // itself), past zero into overtime, as the practice page's timer does.
  var timer = document.getElementById("mock-timer");
  var timerStatus = document.getElementById("mock-timer-status");
  var remaining = timer ? parseInt(timer.getAttribute("data-remaining"), 10) : NaN;
  if (!isNaN(remaining)) {
    var shownAt = Date.now();
    var tick = function () {
      var left = remaining - Math.floor((Date.now() - shownAt) / 1000);
      if (left >= 0) {
        setText(timer, clock(left));
        timer.classList.toggle("low", left <= 30);
        if (left === 30) {
          setText(timerStatus, "30 seconds left.");
        }
      } else {
        setText(timer, "+" + clock(-left));
        if (!timer.classList.contains("over")) {
          timer.classList.add("over");
          setText(timerStatus, "Time is up: finish your sentence and answer.");
        }
      }
    };
    tick();
    window.setInterval(tick, 1000);
  }

  // The draft: kept per interview and question, restored into an empty box.
  var form = document.querySelector("form[data-draft-key]");
  var box = form && form.querySelector("textarea");
  var local = null;
  try {
    local = window.localStorage;
    local.setItem("rapport:probe", "1");
    local.removeItem("rapport:probe");
  } catch (e) {
    // Storage refused (private mode, quota, policy): the page works without drafts.
    local = null;
  }
  if (box && local) {
    var key = "rapport:draft:" + form.getAttribute("data-draft-key");
    var status = document.getElementById("draft-status");
    var draft = local.getItem(key);
    if (draft && !box.value.trim()) {
      box.value = draft;
      setText(status, "Your draft was restored.");
    }
    box.addEventListener("input", function () {
      try {
        if (box.value.trim()) {
          local.setItem(key, box.value);
          setText(status, "Draft saved in this browser.");
        } else {
          local.removeItem(key);
          setText(status, "");
        }
      } catch (e) {
        // As above: no draft this time.
      }
    });
    form.addEventListener("submit", function (event) {
      // Held back (by the recorder, mid-recording): the page stays, and so does the draft.
      if (event.defaultPrevented) {
        return;
      }
      // The server shows the answer again if it cannot score it, so the draft can go.
      local.removeItem(key);
    });
  }
})();
