// Answering out loud on the practice and mock question pages (templates/voice.html):
// the microphone is recorded on the page (MediaRecorder), with a level meter and a clock,
// and on Stop the recording is sent to this server's POST /api/transcribe, which
// transcribes it on this computer. The transcript is added to the answer box, to be
// corrected before scoring, and the delivery heard (pace, pauses, fillers) is shown.
//
// The other scripts of the page hear about it through events on the answer box:
// "rapport:recording" when a recording starts, "input" when the transcript lands (as if
// typed), and "rapport:transcribed" with the delivery as its detail. A form submitted
// while recording or transcribing is held back, so that nothing said is lost; the other
// scripts skip a submit whose default is prevented.
(function () {
  "use strict";

  var section = document.querySelector("[data-recorder]");
  var box = section && document.getElementById(section.getAttribute("data-target"));
  if (!section || !box) {
    return;
  }
  section.hidden = false;

  var button = document.getElementById("mic");
  var status = document.getElementById("voice-status");
  var heard = document.getElementById("voice-heard");
  var clockText = document.getElementById("voice-clock");
  var meter = document.getElementById("voice-level");
  var form = box.form;
  var wpmField = form ? form.querySelector("input[name=wpm]") : null;
  // The tokens of the recordings kept with this answer, when the user keeps recordings.
  var keptField = form ? form.querySelector("input[name=recordings]") : null;
  var keepText = document.getElementById("voice-keep");
  var maxSeconds = parseInt(section.getAttribute("data-max-seconds"), 10) || 300;
  // Where the recording is transcribed: "this computer", or a team's "this server".
  var transcribedOn = section.getAttribute("data-place") || "this computer";

  // The meter and clock refresh this often; a microphone that has given no level above
  // QUIET (on the meter's 0 to 1 scale) for this long is said to be silent.
  var REFRESH_MS = 100;
  var QUIET = 0.2;
  var SILENT_AFTER_MS = 4000;

  function setText(el, text) {
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  }

  function say(text) {
    setText(status, text);
  }

  var canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  if (!canRecord) {
    button.disabled = true;
    say(
      "This browser cannot record on the page, so answering out loud is off. " +
        "Type your answer, or open Rapport in a current Firefox or Chromium."
    );
    return;
  }

  // Whether the server can transcribe (the speech model loads in the background after
  // it starts): said before anyone speaks, checked again a few seconds later once.
  function checkReady(again) {
    fetch("/api/transcribe", { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (s) {
        if (s && s.keeps_recordings) {
          setText(keepText, "is kept with your attempt, as you chose, until you delete the attempt");
        }
        if (s && !s.ready && state === "idle") {
          if (again) {
            window.setTimeout(function () {
              checkReady(false);
            }, 3000);
          } else {
            say("Answering out loud is not available yet: " + (s.message || "the speech model is not ready") + ".");
          }
        }
      })
      .catch(function () {});
  }

  // idle → starting (asking for the microphone) → recording → transcribing → idle.
  var state = "idle";
  var recorder = null;
  var stream = null;
  var chunks = [];
  var startedAt = 0;
  var ticking = null;
  var audio = null;
  var analyser = null;
  var samples = null;
  var loudest = 0;
  var stoppedAtLimit = false;
  // Words and speaking time of the recordings since the box was last empty, for the
  // pace of the whole spoken answer.
  var spokenWords = 0;
  var speakingSeconds = 0;

  function clock(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  // "no pauses", "1 pause", "3 pauses".
  function count(n, one, many) {
    return n === 0 ? "no " + many : n === 1 ? "1 " + one : n + " " + many;
  }

  function setState(next) {
    state = next;
    var recording = next === "recording";
    button.setAttribute("aria-pressed", recording ? "true" : "false");
    setText(button, recording ? "Stop" : "Record");
    button.disabled = next === "starting" || next === "transcribing";
    if (next === "transcribing") {
      section.setAttribute("aria-busy", "true");
    } else {
      section.removeAttribute("aria-busy");
    }
  }

  // The microphone's level, 0 to 1: the loudness of the last few milliseconds on a
  // 60 dB scale, so that speech at a normal distance fills about half the meter.
  function level() {
    if (!analyser) {
      return 0;
    }
    analyser.getFloatTimeDomainData(samples);
    var sum = 0;
    for (var i = 0; i < samples.length; i++) {
      sum += samples[i] * samples[i];
    }
    var rms = Math.sqrt(sum / samples.length);
    var db = 20 * Math.log10(Math.max(rms, 1e-6));
    return Math.min(1, Math.max(0, (db + 60) / 60));
  }

  function tick() {
    var elapsedMs = Date.now() - startedAt;
    var seconds = Math.floor(elapsedMs / 1000);
    setText(clockText, clock(seconds));
    if (meter) {
      var value = level();
      meter.value = value;
      loudest = Math.max(loudest, value);
      setText(meter, Math.round(value * 100) + "%");
    }
    if (analyser && loudest < QUIET && elapsedMs >= SILENT_AFTER_MS) {
      say("Nothing is coming through the microphone yet: check that it is switched on and not muted.");
    } else if (loudest >= QUIET && status.getAttribute("data-silent") !== "no") {
      status.setAttribute("data-silent", "no");
      say("Recording: answer out loud, then press Stop.");
    }
    if (seconds >= maxSeconds - 1) {
      stoppedAtLimit = true;
      stop();
    }
  }

  // The level meter, where the browser has Web Audio; recording works without it.
  function startMeter() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !meter) {
      return;
    }
    try {
      audio = new Context();
      analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      samples = new Float32Array(analyser.fftSize);
      audio.createMediaStreamSource(stream).connect(analyser);
      if (audio.state === "suspended") {
        audio.resume();
      }
    } catch (e) {
      analyser = null;
    }
  }

  function release() {
    window.clearInterval(ticking);
    ticking = null;
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
    }
    if (audio) {
      audio.close();
      audio = null;
    }
    analyser = null;
    if (meter) {
      meter.value = 0;
      setText(meter, "silent");
    }
  }

  // Opus in WebM (Chromium and current Firefox) or in Ogg (a browser that records no
  // WebM), which the server decodes; else whatever the browser records, and the server
  // says whether it can read it.
  function mediaType() {
    var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus"];
    for (var i = 0; i < types.length; i++) {
      if (typeof MediaRecorder.isTypeSupported === "function" && MediaRecorder.isTypeSupported(types[i])) {
        return types[i];
      }
    }
    return "";
  }

  function refused(err) {
    var name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
      return "The microphone was refused, so nothing was recorded. To answer out loud, allow the " +
        "microphone for this page in the browser's site settings and press Record again; typing works as ever.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
      return "No microphone was found. Connect one and press Record again, or type your answer.";
    }
    if (name === "NotReadableError" || name === "AbortError") {
      return "The microphone could not be opened: another program may be using it. Close that program and " +
        "press Record again, or type your answer.";
    }
    return "Recording could not start" + (err && err.message ? " (" + err.message + ")" : "") +
      ". Type your answer, or press Record to try again.";
  }

  function start() {
    setState("starting");
    setText(heard, "");
    heard.hidden = true;
    say("Waiting for the microphone… (the browser may ask whether Rapport may use it)");
    navigator.mediaDevices.getUserMedia({ audio: true }).then(
      function (granted) {
        stream = granted;
        var type = mediaType();
        try {
          recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
        } catch (e) {
          release();
          setState("idle");
          say("This browser cannot record the microphone (" + e.message + "). Type your answer instead.");
          return;
        }
        chunks = [];
        loudest = 0;
        stoppedAtLimit = false;
        status.removeAttribute("data-silent");
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size > 0) {
            chunks.push(event.data);
          }
        });
        recorder.addEventListener("stop", finish);
        recorder.addEventListener("error", function () {
          say("The recording failed. Press Record to try again, or type your answer.");
        });
        stream.getAudioTracks().forEach(function (track) {
          // An unplugged microphone ends the recording with what was said so far.
          track.addEventListener("ended", stop);
        });
        // Data every second, so that a long recording is not one buffer at the end.
        recorder.start(1000);
        startedAt = Date.now();
        startMeter();
        setState("recording");
        say("Recording: answer out loud, then press Stop.");
        setText(clockText, "0:00");
        ticking = window.setInterval(tick, REFRESH_MS);
        box.dispatchEvent(new CustomEvent("rapport:recording", { bubbles: true }));
      },
      function (err) {
        release();
        setState("idle");
        say(refused(err));
      }
    );
  }

  function stop() {
    if (state === "recording" && recorder && recorder.state !== "inactive") {
      setState("transcribing");
      recorder.stop();
    }
  }

  function finish() {
    var type = (recorder && recorder.mimeType) || (chunks[0] && chunks[0].type) || "";
    var blob = new Blob(chunks, type ? { type: type } : {});
    chunks = [];
    recorder = null;
    release();
    if (blob.size === 0) {
      setState("idle");
      say("Nothing was recorded. Press Record to try again.");
      return;
    }
    setState("transcribing");
    say(
      (stoppedAtLimit ? "The recording stopped at its " + clock(maxSeconds) + " limit. " : "") +
        "Transcribing on " + transcribedOn + "…"
    );
    fetch("/api/transcribe", {
      method: "POST",
      headers: { "Content-Type": type || "application/octet-stream", Accept: "application/json" },
      body: blob,
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(
          function (body) {
            return { ok: response.ok, body: body };
          },
          function () {
            return { ok: false, body: { message: "the server's reply could not be read (HTTP " + response.status + ")" } };
          }
        );
      })
      .then(function (result) {
        setState("idle");
        if (!result.ok) {
          say("Not transcribed: " + ((result.body && result.body.message) || "the server refused the recording") +
            ". Your answer is unchanged.");
          return;
        }
        place(result.body);
      })
      .catch(function () {
        setState("idle");
        say("Not transcribed: Rapport could not be reached (is it still running?). Your answer is unchanged.");
      });
  }

  // The transcript goes at the end of the box, after anything already typed.
  function place(result) {
    var text = (result.transcript || "").trim();
    var delivery = result.delivery || {};
    if (!text) {
      say("No words were heard in that recording. Press Record to try again, closer to the microphone.");
      return;
    }
    var had = box.value.trim() !== "";
    if (!had) {
      spokenWords = 0;
      speakingSeconds = 0;
    }
    var sep = had ? (/\s$/.test(box.value) ? "" : " ") : "";
    box.value = (had ? box.value : "") + sep + text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.dispatchEvent(new CustomEvent("rapport:transcribed", { bubbles: true, detail: delivery }));

    // The pace of everything spoken into this answer: words over speaking time.
    if (delivery.speaking_seconds > 0 && delivery.words_per_minute > 0) {
      spokenWords += (delivery.words_per_minute * delivery.speaking_seconds) / 60;
      speakingSeconds += delivery.speaking_seconds;
    }
    if (wpmField && speakingSeconds > 0) {
      wpmField.value = String(Math.round((spokenWords * 60) / speakingSeconds));
    }
    // A recording kept with the answer (only when the user keeps recordings) goes with
    // the answer's others; a recording into an empty box starts a new answer.
    if (keptField) {
      var kept = had ? keptField.value.trim() : "";
      if (result.recording) {
        kept = kept ? kept + " " + result.recording : result.recording;
      }
      keptField.value = kept;
    }
    // Pauses, long silences and fillers of every recording in this answer, added up.
    ["pauses", "long_silences", "fillers"].forEach(function (name) {
      var field = form ? form.querySelector("input[name=" + name + "]") : null;
      if (field && typeof delivery[name] === "number") {
        var before = had && field.value !== "" ? parseInt(field.value, 10) || 0 : 0;
        field.value = String(before + delivery[name]);
      }
    });
    say(
      (had ? "The transcript is added after what you had written" : "The transcript is in the box") +
        ": read it, correct anything misheard, then score it."
    );
    showDelivery(delivery);
  }

  function showDelivery(d) {
    var parts = [];
    if (d.words_per_minute > 0) {
      parts.push(Math.round(d.words_per_minute) + " words a minute (130–160 is easy to follow)");
    }
    if (typeof d.pauses === "number") {
      parts.push(count(d.pauses, "pause", "pauses"));
    }
    if (typeof d.long_silences === "number") {
      parts.push(
        count(d.long_silences, "long silence", "long silences") +
          (d.long_silences === 1 ? " (" + d.longest_silence.toFixed(1) + " s)" : "") +
          (d.long_silences > 1 ? " (the longest " + d.longest_silence.toFixed(1) + " s)" : "")
      );
    }
    if (typeof d.fillers === "number") {
      parts.push(count(d.fillers, "filler", "fillers") + " (“um”, “uh” and the like)");
    }
    var text = "In this recording: " + parts.join(", ") + ".";
    if (d.fillers_uncertain) {
      text += " Filler counts may be low: the speech model often leaves out “um” and “uh”.";
    }
    setText(heard, text);
    heard.hidden = false;
  }

  button.addEventListener("click", function () {
    if (state === "idle") {
      start();
    } else if (state === "recording") {
      stop();
    }
  });

  // Leaving the page mid-recording would lose it: the form waits for the transcript.
  if (form) {
    form.addEventListener("submit", function (event) {
      if (state === "idle") {
        return;
      }
      event.preventDefault();
      say(
        state === "transcribing"
          ? "Wait a moment: the recording is still being transcribed into the box."
          : "Press Stop first: the recording goes into the box, and then you can score it."
      );
      button.focus();
    });
  }
  checkReady(true);
})();
