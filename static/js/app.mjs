import { initAll } from "../govuk/govuk-frontend.min.js";

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
