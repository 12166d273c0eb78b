import { initAll } from "../govuk/govuk-frontend.min.js";
import "./session-timeout.mjs";

initAll();

// While a report is queued or running, refresh its status table every few seconds.
const statusTable = document.querySelector("[data-report-status]");
if (statusTable) {
  const refresh = async () => {
    const response = await fetch(window.location.href, { headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-report-status]");
    if (!fresh) return;
    statusTable.replaceChildren(...fresh.childNodes);
    if (fresh.dataset.reportStatus === "pending") {
      window.setTimeout(refresh, 3000);
    } else {
      statusTable.dataset.reportStatus = "settled";
      const live = document.getElementById("report-status-live");
      if (live) live.textContent = "Report status updated.";
    }
  };
  if (statusTable.dataset.reportStatus === "pending") window.setTimeout(refresh, 3000);
}

// Coding focus-group notes: selecting words in the notes fills the exact-passage field, for coding
// finer than a sentence. Without JavaScript the field is typed or pasted.
const codingNotes = document.querySelector("[data-coding-notes]");
const codingQuote = document.querySelector("[data-coding-quote]");
if (codingNotes && codingQuote) {
  const takeSelection = () => {
    const text = window.getSelection().toString().trim();
    if (text && !text.includes("\n")) {
      codingQuote.value = text;
      const live = document.getElementById("coding-live");
      if (live) live.textContent = `Passage chosen: ${text}`;
    }
  };
  codingNotes.addEventListener("mouseup", takeSelection);
  codingNotes.addEventListener("keyup", takeSelection);
}

// A table or chart in its own scroll region is a tab stop only while it scrolls (wider or taller than its region,
// as assistive technology judges it), so a keyboard user can scroll it; one that fits is skipped. Checked again
// whenever a region or its content changes size (a narrower window, fonts arriving). Without JavaScript every
// region stays focusable.
const scrollRegions = document.querySelectorAll(".app-table-scroll");
if (scrollRegions.length) {
  const scrolls = (region) => region.scrollWidth > region.clientWidth || region.scrollHeight > region.clientHeight;
  const settle = () => {
    for (const region of scrollRegions) {
      if (scrolls(region)) {
        region.setAttribute("tabindex", "0");
      } else if (document.activeElement !== region) {
        region.removeAttribute("tabindex");
      }
    }
  };
  settle();
  if (document.fonts) document.fonts.ready.then(settle);
  if ("ResizeObserver" in window) {
    const observer = new ResizeObserver(settle);
    for (const region of scrollRegions) {
      observer.observe(region);
      if (region.firstElementChild) observer.observe(region.firstElementChild);
    }
  } else {
    window.addEventListener("resize", settle);
  }
}
