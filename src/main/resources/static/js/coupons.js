// The buy form's prices follow the quantity and the coupon as the buyer types: after a short pause the form asks
// GET /api/products/{sku}/quote, the computation checkout charges by, and shows the unit price (wholesale tier
// included), the coupon's discount and the total, or says why the coupon cannot be used. Nothing is computed here.
// Without this script the form still posts; the server's page then shows the same figures.
(function () {
  'use strict';
  var box = document.getElementById('total');
  var quantity = document.getElementById('quantity');
  var coupon = document.getElementById('coupon');
  var status = document.getElementById('coupon-status');
  if (!box || !quantity || !window.fetch) {
    return;
  }
  var $ = function (id) { return document.getElementById(id); };
  var digits = parseInt(box.getAttribute('data-digits'), 10);
  var money = new Intl.NumberFormat(box.getAttribute('data-lang'), {
    style: 'currency', currency: box.getAttribute('data-currency'),
    minimumFractionDigits: digits, maximumFractionDigits: digits
  });
  var show = function (decimal) { return money.format(parseFloat(decimal)); };
  var errors = {
    unknown: 'data-error-unknown', disabled: 'data-error-disabled', notYetValid: 'data-error-not-yet-valid',
    expired: 'data-error-expired', notForProduct: 'data-error-not-for-product', usedUp: 'data-error-used-up'
  };
  var cache = {};
  var timer = null;
  var asked = 0;

  function say(text, kind) {
    if (!status) {
      return;
    }
    status.textContent = text || '';
    status.className = 'couponshow-status' + (kind ? ' couponshow-' + kind : '');
    if (coupon) {
      coupon.setAttribute('aria-invalid', kind === 'error' ? 'true' : 'false');
    }
  }

  function render(quote) {
    $('unit-price').textContent = show(quote.unitPrice);
    $('tier-note').hidden = !(parseFloat(quote.unitPrice) < parseFloat(quote.listPrice));
    var discounted = !!quote.coupon;
    $('discount-line').hidden = !discounted;
    if (discounted) {
      $('discount-label').textContent = box.getAttribute('data-discount-label').replace('{0}', quote.coupon);
      $('discount-amount').textContent = '\u2212' + show(quote.discount);
    }
    $('total-amount').textContent = show(quote.amount);
  }

  // One answer per quantity and code: {ok, quote} or {ok: false, status, reason}; kept, so typing back costs nothing.
  function ask(n, code) {
    var key = n + '|' + code;
    if (cache[key]) {
      return Promise.resolve(cache[key]);
    }
    var url = box.getAttribute('data-quote') + '?quantity=' + encodeURIComponent(n)
        + (code ? '&coupon=' + encodeURIComponent(code) : '');
    return fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        var answer = response.ok ? { ok: true, quote: body } : { ok: false, status: response.status, reason: body.reason };
        if (response.status !== 429) {
          cache[key] = answer;
        }
        return answer;
      });
    });
  }

  function update() {
    var n = parseInt(quantity.value, 10);
    var code = coupon ? coupon.value.trim() : '';
    var mine = ++asked;
    if (!(n >= 1)) {
      return;
    }
    ask(n, code).then(function (answer) {
      if (mine !== asked) {
        return; // the buyer typed on: a later answer is coming
      }
      if (answer.ok) {
        render(answer.quote);
        say(code ? box.getAttribute('data-coupon-ok').replace('{0}', answer.quote.coupon) : '', code ? 'ok' : null);
        return;
      }
      if (answer.status === 429) {
        say(box.getAttribute('data-error-busy'), 'error');
        return;
      }
      if (code && errors[answer.reason]) {
        say(box.getAttribute(errors[answer.reason]), 'error');
        // the total without the coupon the buyer cannot use
        return ask(n, '').then(function (plain) {
          if (mine === asked && plain.ok) {
            render(plain.quote);
          }
        });
      }
      if (answer.status === 400) {
        say(box.getAttribute('data-error-quantity'), 'error');
      }
    }).catch(function () {
      // offline or the server is busy: the figures stay; the next page shows the amount charged
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 350);
  }
  quantity.addEventListener('input', later);
  if (coupon) {
    coupon.addEventListener('input', later);
  }
  if (coupon && coupon.value.trim()) {
    update();
  }
}());
