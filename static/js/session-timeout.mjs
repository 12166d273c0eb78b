// The GOV.UK timeout warning: a modal dialog two minutes before the session ends, with "Stay signed in" (which
// extends the session) and "Sign out". When the time runs out the dialog says so and the page is left as it is,
// so nothing typed is lost; sending a form then asks for a sign-in and sends it again.
const dialog = document.querySelector("[data-session-timeout]");

const describe = (seconds) => {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
};

if (dialog && typeof dialog.showModal === "function") {
  const warningSeconds = Number(dialog.dataset.warningSeconds);
  const warning = dialog.querySelector("[data-session-warning]");
  const ended = dialog.querySelector("[data-session-ended]");
  const countdown = dialog.querySelector("[data-session-countdown]");
  const spoken = dialog.querySelector("[data-session-countdown-spoken]");
  const extendForm = dialog.querySelector("[data-session-extend]");
  let deadline = 0;
  let warnTimer = 0;
  let tickTimer = 0;
  let lastSpoken = "";

  const showEnded = () => {
    window.clearInterval(tickTimer);
    warning.hidden = true;
    ended.hidden = false;
    dialog.setAttribute("aria-labelledby", "session-ended-title");
    dialog.removeAttribute("aria-describedby");
    if (!dialog.open) dialog.showModal();
    ended.querySelector("h2").focus();
  };

  const tick = () => {
    const remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (remaining === 0) {
      showEnded();
      return;
    }
    countdown.textContent = describe(remaining);
    // Screen readers hear the time left every 30 seconds, not every second.
    const words = describe(Math.ceil(remaining / 30) * 30);
    if (words !== lastSpoken) {
      lastSpoken = words;
      spoken.textContent = ` About ${words} left.`;
    }
  };

  const warn = () => {
    warning.hidden = false;
    ended.hidden = true;
    dialog.setAttribute("aria-labelledby", "session-timeout-title");
    dialog.setAttribute("aria-describedby", "session-timeout-text");
    lastSpoken = "";
    tick();
    dialog.showModal();
    warning.querySelector("h2").focus();
    tickTimer = window.setInterval(tick, 1000);
  };

  const start = (seconds) => {
    deadline = Date.now() + seconds * 1000;
    window.clearTimeout(warnTimer);
    window.clearInterval(tickTimer);
    warnTimer = window.setTimeout(warn, Math.max(0, seconds - warningSeconds) * 1000);
  };

  extendForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(extendForm.action, {
      method: "POST",
      body: new FormData(extendForm),
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Requested-With": "fetch" },
    }).catch(() => null);
    if (response && response.ok) {
      const { seconds } = await response.json();
      dialog.close();
      start(seconds);
    } else {
      showEnded();
    }
  });

  // Escape stays signed in, as the dialog's first button would; once signed out it just closes the dialog.
  dialog.addEventListener("cancel", (event) => {
    if (!warning.hidden) {
      event.preventDefault();
      extendForm.requestSubmit();
    }
  });

  start(Number(dialog.dataset.sessionSeconds));
}
