// Rapport's pages work without JavaScript; this script adds, on the practice page, the
// live checklist (debounced calls to POST /api/score as you type), the countdown of
// timed mode and drafts kept in this browser (answering out loud is static/voice.js,
// which tells this script when a recording starts and when its transcript lands); on
// the attempt page, forgetting the draft once it is saved; everywhere, Print buttons and
// confirmations.
(function () {
  "use strict";

  var DEBOUNCE_MS = 300;
  var DRAFT_PREFIX = "rapport:draft:";
  var SUBMITTED_KEY = "rapport:submitted";

  function storage(kind) {
    try {
      var s = window[kind];
      var probe = "rapport:probe";
      s.setItem(probe, probe);
      s.removeItem(probe);
      return s;
    } catch (e) {
      // Storage refused (private mode, quota, policy): the page works without it.
      return null;
    }
  }

  function setText(el, text) {
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  }

  // ---------------------------------------------------------------------------------
  // Everywhere: Print buttons and confirmations before deleting.

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  // ---------------------------------------------------------------------------------
  // The attempt page: the answer is saved, so its draft can go.

  var attemptPage = document.querySelector("[data-attempt-guide]");
  if (attemptPage) {
    var session = storage("sessionStorage");
    var local = storage("localStorage");
    var guideId = attemptPage.getAttribute("data-attempt-guide");
    if (session && local && session.getItem(SUBMITTED_KEY) === guideId) {
      local.removeItem(DRAFT_PREFIX + guideId);
      session.removeItem(SUBMITTED_KEY);
    }
  }

  // ---------------------------------------------------------------------------------
  // The practice page.

  var form = document.getElementById("practice-form");
  var answer = document.getElementById("answer");
  if (!form || !answer) {
    return;
  }
  var guide = form.getAttribute("data-guide");
  var startedAt = null;

  function started() {
    if (startedAt === null) {
      startedAt = Date.now();
      startTimer();
    }
  }

  // Drafts: kept per question, restored on reload, forgotten once saved.
  var local = storage("localStorage");
  var draftKey = DRAFT_PREFIX + guide;
  var draftStatus = document.getElementById("draft-status");
  var draftTimer = null;
  if (local) {
    var draft = local.getItem(draftKey);
    if (draft && !answer.value.trim()) {
      answer.value = draft;
      setText(draftStatus, "Your draft was restored.");
    } else if (draft && draft.trim() !== answer.value.trim() && draftStatus) {
      // The box starts with an earlier answer (a retry) and an unsaved draft is kept
      // too: both stay within reach.
      setText(draftStatus, "You also have an unsaved draft of this answer. ");
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "btn btn-small";
      restore.id = "restore-draft";
      restore.textContent = "Use the unsaved draft";
      restore.addEventListener("click", function () {
        answer.value = draft;
        setText(draftStatus, "Your draft was restored.");
        answer.dispatchEvent(new Event("input"));
        answer.focus();
      });
      draftStatus.appendChild(restore);
    }
  }
  function saveDraft() {
    if (!local) {
      return;
    }
    if (answer.value.trim()) {
      local.setItem(draftKey, answer.value);
      setText(draftStatus, "Draft saved in this browser.");
    } else {
      local.removeItem(draftKey);
      setText(draftStatus, "");
    }
  }

  // The live checklist.
  var checklist = document.getElementById("checklist");
  var liveScore = document.getElementById("live-score");
  var liveNote = document.getElementById("live-note");
  var liveTimer = null;
  var sequence = 0;
  var inFlight = null;
  // Whether a transcript whose filler count may be low went into the box.
  var fillersUncertain = false;

  // Each step is met (✓), begun (◐: found, but the answer so far is too thin as a
  // whole for it to count) or missing (✗).
  function showSteps(criteria) {
    var state = {};
    criteria.forEach(function (c) {
      state[c.id] = c.met ? "true" : c.begun ? "begun" : "false";
    });
    checklist.querySelectorAll("li[data-step]").forEach(function (li) {
      var value = state[li.getAttribute("data-step")] || "false";
      if (li.getAttribute("data-met") === value) {
        return;
      }
      li.setAttribute("data-met", value);
      li.classList.toggle("met", value === "true");
      li.classList.toggle("begun", value === "begun");
      li.classList.toggle("missing", value === "false");
      setText(li.querySelector(".glyph"), value === "true" ? "✓" : value === "begun" ? "◐" : "✗");
      setText(
        li.querySelector(".state"),
        value === "true" ? "met" : value === "begun" ? "started" : "missing"
      );
    });
  }

  function fillerNote() {
    return fillersUncertain
      ? "Filler counts from a transcript may be low: the speech model often leaves out “um” and “uh”."
      : "";
  }

  function rescore() {
    var text = answer.value;
    var mine = ++sequence;
    if (inFlight) {
      inFlight.abort();
    }
    if (!text.trim()) {
      showSteps([]);
      setText(liveScore, "Start answering: each step ticks off as you take it.");
      setText(liveNote, fillerNote());
      return;
    }
    inFlight = typeof AbortController === "function" ? new AbortController() : null;
    fetch("/api/score", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ question_id: guide, answer: text }),
      credentials: "same-origin",
      signal: inFlight ? inFlight.signal : undefined,
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (mine !== sequence) {
          return;
        }
        if (result.ok) {
          var r = result.body;
          showSteps(r.criteria || []);
          var met = (r.criteria || []).filter(function (c) {
            return c.met;
          }).length;
          setText(
            liveScore,
            "So far: " + r.band + " · " + r.score + "/100 · " + met + " of " +
              (r.criteria || []).length + " steps"
          );
          var next = r.feedback && r.feedback.length ? "Next: " + r.feedback[0] : "";
          setText(liveNote, [next, fillerNote()].filter(Boolean).join(" "));
        } else {
          showSteps([]);
          setText(liveScore, "Not scored yet.");
          setText(liveNote, (result.body && result.body.message) || "");
        }
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") {
          return;
        }
        setText(liveNote, "The live checklist could not reach Rapport; your answer is safe.");
      });
  }

  answer.addEventListener("input", function () {
    if (answer.value.trim()) {
      started();
    }
    window.clearTimeout(liveTimer);
    liveTimer = window.setTimeout(rescore, DEBOUNCE_MS);
    window.clearTimeout(draftTimer);
    draftTimer = window.setTimeout(saveDraft, DEBOUNCE_MS);
  });
  if (answer.value.trim()) {
    rescore();
  }

  // Timed mode: a countdown from the time allowed, started by the first keystroke.
  var timer = document.getElementById("timer");
  var timerStatus = document.getElementById("timer-status");
  var limit = parseInt(form.getAttribute("data-timed") || "", 10);
  var ticking = null;

  function clock(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var elapsed = Math.floor((Date.now() - startedAt) / 1000);
    var left = limit - elapsed;
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
        setText(timerStatus, "Time is up: finish your sentence and submit.");
      }
    }
  }

  function startTimer() {
    if (!timer || isNaN(limit) || ticking !== null) {
      return;
    }
    setText(timerStatus, "The clock is running.");
    tick();
    ticking = window.setInterval(tick, 1000);
  }

  // Answering out loud (static/voice.js): starting to record starts the clock, as the
  // first keystroke does; the transcript itself arrives as an "input" event.
  answer.addEventListener("rapport:recording", started);
  answer.addEventListener("rapport:transcribed", function (event) {
    if (event.detail && event.detail.fillers_uncertain) {
      fillersUncertain = true;
    }
  });

  // Submitting: record the time taken, and remember to forget the draft once saved.
  form.addEventListener("submit", function (event) {
    // Held back (by the recorder, mid-recording): the page stays, and so does the draft.
    if (event.defaultPrevented) {
      return;
    }
    if (startedAt !== null) {
      var taken = Math.max(1, Math.round((Date.now() - startedAt) / 1000));
      document.getElementById("seconds_taken").value = String(taken);
    }
    var session = storage("sessionStorage");
    if (session) {
      session.setItem(SUBMITTED_KEY, guide);
    }
  });
})();
