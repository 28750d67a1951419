// The desk sale's price follows the form: on any change, ask the server for the price of what is
// chosen now (the same pricing as the booking) and swap in the price panel and the Book button.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("sale-form");
  const quote = document.getElementById("sale-quote");
  if (!form || !quote) return;
  let asked = 0;
  form.addEventListener("change", async (event) => {
    if (!event.target.name || event.target.name === "payment_method") return;
    const mine = ++asked;
    const body = new FormData(form);
    body.set("action", "quote");
    try {
      const response = await fetch(window.location.href, { method: "POST", body, credentials: "same-origin" });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.getElementById("sale-quote");
      if (fresh && mine === asked) quote.innerHTML = fresh.innerHTML;
    } catch (error) {
      // Offline for a moment: "Update the price" still works, and booking re-checks the total.
    }
  });
});
