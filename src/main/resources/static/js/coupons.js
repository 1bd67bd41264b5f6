// The buy form's total follows the quantity: the wholesale tier reached, else the list price (data-steps:
// "fromQuantity:unitMinor;..."). Only a preview: the server computes the amount charged, coupon included.
(function () {
  'use strict';
  var total = document.getElementById('total');
  var quantity = document.getElementById('quantity');
  var amount = document.getElementById('total-amount');
  if (!total || !quantity || !amount) {
    return;
  }
  var steps = total.getAttribute('data-steps').split(';').map(function (step) {
    var parts = step.split(':');
    return { from: parseInt(parts[0], 10), minor: parseInt(parts[1], 10) };
  });
  var digits = parseInt(total.getAttribute('data-digits'), 10);
  var format = new Intl.NumberFormat(total.getAttribute('data-lang'), {
    style: 'currency', currency: total.getAttribute('data-currency'),
    minimumFractionDigits: digits, maximumFractionDigits: digits
  });
  function update() {
    var n = parseInt(quantity.value, 10);
    if (!(n >= 1)) {
      return;
    }
    var unit = steps[0].minor;
    steps.forEach(function (step) {
      if (n >= step.from && step.minor < unit) {
        unit = step.minor;
      }
    });
    amount.textContent = format.format(unit * n / Math.pow(10, digits));
  }
  quantity.addEventListener('input', update);
  update();
}());
