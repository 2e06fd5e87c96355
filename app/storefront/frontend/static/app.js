// Progressive enhancement: every form already works without this file. Where scripts run, "add to cart"
// stays on the page (a fetch to the /api proxy) and the checkout button cannot be pressed twice.
"use strict";

const toast = document.querySelector("[data-toast]");
let toastTimer;

function showToast(message, link) {
  if (!toast) return;
  toast.replaceChildren(document.createTextNode(message));
  if (link) {
    const anchor = document.createElement("a");
    anchor.href = link.href;
    anchor.textContent = link.text;
    toast.append(anchor);
  }
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 6000);
}

async function addToCart(form) {
  const data = new FormData(form);
  const response = await fetch("/api/v1/cart/items", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      product_id: Number(data.get("product_id")),
      quantity: Number(data.get("quantity") || 1),
    }),
  });
  if (!response.ok) throw new Error(`cart answered ${response.status}`);
  return response.json();
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.matches("[data-add-to-cart]")) {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const cart = await addToCart(form);
      document.querySelectorAll("[data-cart-count]").forEach((badge) => { badge.textContent = cart.item_count; });
      showToast("Added to your cart.", { href: "/cart", text: "View cart" });
    } catch (error) {
      form.submit(); // the server-side form path reports the problem as a page
    } finally {
      button.disabled = false;
    }
  } else if (form.querySelector("[data-submit-once]")) {
    const button = form.querySelector("[data-submit-once]");
    if (button.disabled) {
      event.preventDefault();
    } else {
      // Disable after this submit is under way; the idempotency key covers a retry that still slips through.
      setTimeout(() => { button.disabled = true; }, 0);
    }
  }
});
