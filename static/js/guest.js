// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // The language picker submits itself; its button stays for browsers without JS.
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    form.addEventListener("change", () => form.submit());
  }
  // A service page's total: the server prices the party and time chosen (the booking's own
  // pricing), and the Book button names the amount. Without this the page shows the total
  // for the party it was opened with.
  for (const form of document.querySelectorAll("form[data-total-url]")) {
    const box = form.querySelector(".total-live");
    const book = form.querySelector(".book-now");
    if (!box || !book) continue;
    let controller = null;
    let timer = null;
    const refresh = async () => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if (name !== "csrf_token" && typeof value === "string") params.append(name, value);
      }
      if (controller) controller.abort(); // only the latest choice counts
      controller = new AbortController();
      try {
        const response = await fetch(`${form.dataset.totalUrl}?${params}`, {
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (!response.ok || response.redirected) return; // signed out: booking will say so
        box.innerHTML = await response.text();
        const total = box.querySelector("[data-book-label]");
        if (total) book.textContent = total.dataset.bookLabel;
      } catch (error) {
        // Offline for a moment, or replaced by a newer choice: booking checks the price again.
      }
    };
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    };
    form.addEventListener("change", soon);
    form.addEventListener("input", soon);
  }
});
