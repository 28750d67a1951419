// The card step: Stripe.js turns the card into a token, our server charges it, and a card
// that needs 3-D Secure is confirmed on the phone. The booking itself is made by the
// server when Stripe's webhook arrives; this page then goes to the confirmation page.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") return;
  const stripe = Stripe(form.dataset.key);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const button = document.getElementById("pay-button");
  const errorBox = document.getElementById("card-error");

  const fail = (message) => {
    errorBox.textContent = message;
    button.disabled = false;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    errorBox.textContent = "";
    const tokenResult = await stripe.createToken(card);
    if (tokenResult.error || !tokenResult.token) {
      fail(form.dataset.errorDeclined);
      return;
    }
    let answer;
    try {
      const response = await fetch(form.dataset.submitUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf },
        body: JSON.stringify({ token: tokenResult.token.id }),
      });
      answer = await response.json();
    } catch (error) {
      fail(form.dataset.errorUnavailable);
      return;
    }
    if (answer.error) {
      fail(answer.error);
      return;
    }
    if (answer.status === "requires_action") {
      const confirmed = await stripe.confirmCardPayment(answer.client_secret);
      if (confirmed.error) {
        fail(form.dataset.errorAuthentication);
        return;
      }
    }
    window.location.assign(answer.next);
  });
});
