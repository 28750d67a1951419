// The desk's queue at the keyboard: row actions without leaving the page, focus that survives
// every refresh, j/k/a/s/d/Enter, "/" to search, "?" for help, the open count in the tab title and
// an optional beep for new and overdue requests. Without JavaScript the row forms still post and
// come back to the same row (#request-N).
document.addEventListener("DOMContentLoaded", () => {
  const region = document.getElementById("queue");
  if (!region) return;
  const said = document.getElementById("queue-said");
  const dialog = document.getElementById("shortcuts");
  const soundBox = document.getElementById("queue-sound");
  const SOUND_KEY = "lobby.queue.sound";
  const rows = () => Array.from(region.querySelectorAll("tr[data-request]"));

  // --- Focus: remember the row (and the control in it) so a swap of the HTML does not lose it.
  let remembered = null;
  const rowOf = (element) => element && element.closest && element.closest("tr[data-request]");
  document.addEventListener("focusin", (event) => {
    const row = rowOf(event.target);
    if (row && region.contains(row)) {
      rows().forEach((other) => other.classList.toggle("current", other === row));
      remembered = {
        id: row.dataset.request,
        key: event.target.dataset.key || (event.target.classList.contains("request-link") ? "link" : ""),
        index: rows().indexOf(row),
      };
    } else if (!region.contains(event.target)) {
      remembered = null; // the person moved on: a refresh must not pull focus back
    }
  });

  const restoreFocus = () => {
    if (!remembered) return;
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    const all = rows();
    let row = all.find((candidate) => candidate.dataset.request === remembered.id);
    let target = null;
    if (row) {
      target = remembered.key === "link" ? row.querySelector(".request-link")
        : remembered.key ? row.querySelector(`[data-key="${remembered.key}"]`) : null;
      // The button pressed is gone (acknowledged: now "Start" comes first): stay on its row.
      target = target || row;
    } else if (all.length) {
      row = all[Math.min(remembered.index, all.length - 1)]; // the request left the queue: next one
      target = row;
    }
    if (target) {
      target.focus({ preventScroll: false });
      const row2 = rowOf(target);
      if (row2) row2.classList.add("current");
    }
  };

  // --- Tab title and sound from the state the fragment carries.
  let lastNewest = null;
  let lastOverdue = null;
  let audio = null;
  const soundOn = () => {
    try { return localStorage.getItem(SOUND_KEY) === "on"; } catch (error) { return false; }
  };
  const beep = () => {
    if (!soundOn()) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = 880;
      volume.gain.setValueAtTime(0.2, audio.currentTime);
      volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
      tone.connect(volume).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.3);
    } catch (error) {
      // No audio on this computer: the title count still says it.
    }
  };
  const readState = () => {
    const state = region.querySelector(".queue-state");
    if (!state) return;
    const open = Number(state.dataset.open || 0);
    const newest = Number(state.dataset.newest || 0);
    const overdue = Number(state.dataset.overdue || 0);
    document.title = (open ? `(${open}) ` : "") + region.dataset.title;
    if (lastNewest !== null && (newest > lastNewest || overdue > lastOverdue)) beep();
    lastNewest = newest;
    lastOverdue = overdue;
  };

  if (soundBox) {
    soundBox.checked = soundOn();
    soundBox.closest("label").hidden = false;
    soundBox.addEventListener("change", () => {
      try { localStorage.setItem(SOUND_KEY, soundBox.checked ? "on" : "off"); } catch (error) { /* private mode */ }
      if (soundBox.checked) beep(); // also unlocks audio: browsers allow it only after a click
    });
  }

  // --- Row actions in place: post, take the queue and the messages from the page it returns.
  const showMessages = (doc) => {
    if (!said) return;
    said.replaceChildren(...Array.from(doc.querySelectorAll(".flash")).map((flash) => {
      const copy = document.createElement("p");
      copy.className = flash.className;
      copy.textContent = flash.textContent.trim();
      return copy;
    }));
  };
  region.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-quick]")) return;
    event.preventDefault();
    const row = rowOf(form);
    const button = form.querySelector("button");
    remembered = { id: row.dataset.request, key: button ? button.dataset.key : "", index: rows().indexOf(row) };
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
      });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.getElementById("queue");
      if (!response.ok || !fresh) {
        window.location.assign(response.url); // signed out, or something unexpected: show the page
        return;
      }
      region.innerHTML = fresh.innerHTML;
      showMessages(doc);
      readState();
      restoreFocus();
    } catch (error) {
      form.submit(); // offline for a moment: fall back to the plain post
    }
  });
  region.addEventListener("live:updated", () => {
    readState();
    restoreFocus();
  });

  // --- Keyboard shortcuts.
  const currentRow = () => rowOf(document.activeElement) || region.querySelector("tr.current");
  const move = (step) => {
    const all = rows();
    if (!all.length) return;
    const at = all.indexOf(currentRow());
    const next = at === -1 ? (step > 0 ? 0 : all.length - 1) : Math.max(0, Math.min(all.length - 1, at + step));
    all[next].focus();
    all[next].scrollIntoView({ block: "nearest" });
  };
  const quick = (letter) => {
    const row = currentRow();
    const form = row && row.querySelector(`form[data-quick="${letter}"]`);
    if (form) form.requestSubmit();
  };
  const openHelp = () => { if (dialog && !dialog.open) dialog.showModal(); };
  const helpButton = document.getElementById("shortcuts-open");
  if (helpButton && dialog && dialog.showModal) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", openHelp);
  }
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]") || (dialog && dialog.open)) return;
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      a: () => quick("a"),
      s: () => quick("s"),
      d: () => quick("d"),
      "/": () => { const search = document.getElementById("room"); if (search) { search.focus(); search.select(); } },
      "?": openHelp,
      Enter: () => {
        const row = rowOf(target);
        if (row && target === row) row.querySelector(".request-link").click();
        else return false;
      },
    };
    const action = actions[event.key];
    if (action && action() !== false) event.preventDefault();
  });

  readState();
  const fromHash = window.location.hash.match(/^#request-(\d+)$/);
  const landed = fromHash && document.getElementById(`request-${fromHash[1]}`);
  if (landed) landed.focus();
});
