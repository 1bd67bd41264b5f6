// The key import form with a progress bar: the upload's own progress, then the server's (polled by the import's
// id from any node), then the report page. Loaded as a file (the CSP allows no inline script); without it the
// form posts as a plain form and lands on the same report.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('import-form');
  if (!form || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  const panel = document.getElementById('import-progress');
  const bar = document.getElementById('import-bar');
  const status = document.getElementById('import-status');
  const button = form.querySelector('button[type=submit]');
  const lang = document.documentElement.lang || undefined;
  const number = (n) => Number(n).toLocaleString(lang);
  const text = (template, ...values) => values.reduce((t, v, i) => t.replace('{' + i + '}', v), template);

  // A random UUID (version 4) even where crypto.randomUUID is missing (plain HTTP on a LAN address).
  const uuid = () => {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = uuid();
    form.elements.importId.value = id;
    let polling = null;
    const show = (value, max, message) => {
      if (value === null) {
        bar.removeAttribute('value'); // indeterminate
      } else {
        bar.max = max;
        bar.value = value;
      }
      status.textContent = message;
    };
    const poll = () => {
      fetch(form.dataset.progress + encodeURIComponent(id), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then((response) => (response.ok ? response.json() : null))
        .then((progress) => {
          if (progress && progress.total > 0) {
            show(progress.processed, progress.total,
              text(form.dataset.importing, number(progress.processed), number(progress.total)));
          }
        })
        .catch(() => {})
        .finally(() => { if (polling !== null) { polling = setTimeout(poll, 500); } });
    };

    const request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) {
        const percent = Math.floor((e.loaded * 100) / e.total);
        show(percent, 100, text(form.dataset.uploading, percent));
      }
    });
    request.upload.addEventListener('load', () => {
      show(null, 0, form.dataset.checking);
      polling = setTimeout(poll, 300);
    });
    request.addEventListener('load', () => {
      clearTimeout(polling);
      polling = null;
      show(1, 1, form.dataset.done);
      window.location.assign(request.responseURL || form.action);
    });
    request.addEventListener('error', () => {
      clearTimeout(polling);
      polling = null;
      status.textContent = form.dataset.failed;
      button.disabled = false;
    });
    panel.hidden = false;
    button.disabled = true;
    show(0, 100, text(form.dataset.uploading, 0));
    request.send(new FormData(form));
  });
});
