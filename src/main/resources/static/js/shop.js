// Storefront behaviour, loaded as a file (the CSP allows no inline script). Works without it too: the pages
// are complete when rendered; this only follows an order until it changes and copies keys.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('button.copy').forEach((button) => {
    button.addEventListener('click', () => {
      const key = button.parentElement.querySelector('code.key').textContent;
      navigator.clipboard.writeText(key).then(() => { button.textContent = button.dataset.copied; });
    });
  });

  // The sandbox helper answers JSON; stay on the page, which notices the payment by itself.
  const sandbox = document.getElementById('sandbox-pay');
  if (sandbox) {
    sandbox.addEventListener('submit', (event) => {
      event.preventDefault();
      fetch(sandbox.action, { method: 'POST' });
    });
  }

  // Follow the order through the buyer API and reload when its status changes or its keys are out.
  const order = document.getElementById('order');
  if (order && order.dataset.follow === 'true') {
    const token = new URLSearchParams(window.location.search).get('token');
    const poll = () => fetch('/api/orders/' + encodeURIComponent(order.dataset.orderNo), { headers: { 'X-Order-Token': token } })
      .then((response) => (response.ok ? response.json() : null))
      .then((current) => {
        if (current && (current.status !== order.dataset.status || (current.keys && current.keys.length > 0))) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(() => window.setTimeout(poll, 5000));
    window.setTimeout(poll, 2000);
  }
});
