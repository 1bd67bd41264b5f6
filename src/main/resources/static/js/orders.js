// The order pages' extras, a file of its own beside shop.js (the CSP allows no inline script). Everything here is
// progressive: without it the pages show the deadline and times in UTC, the keys as text, and no recent orders.
'use strict';

(() => {
  const STORE = 'kamiflow.recentOrders';
  const KEEP = 20;

  // localStorage, not a cookie: what is kept here never leaves this browser unless the buyer opens one of the links.
  const recent = () => {
    try {
      const list = JSON.parse(window.localStorage.getItem(STORE) || '[]');
      return Array.isArray(list) ? list.filter((o) => o && typeof o.no === 'string' && typeof o.token === 'string') : [];
    } catch (e) {
      return [];
    }
  };
  const keep = (list) => {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(list.slice(0, KEEP)));
    } catch (e) { /* private mode or full: nothing remembered */ }
  };

  // Times from the server (ISO-8601 UTC) shown in the browser's time zone, in the page's language.
  const localTimes = () => {
    document.querySelectorAll('time.local-time[datetime]').forEach((time) => {
      const at = new Date(time.getAttribute('datetime'));
      if (!Number.isNaN(at.getTime())) {
        time.title = time.textContent;
        time.textContent = at.toLocaleString(document.documentElement.lang || undefined,
          { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
      }
    });
  };

  // The seconds left come from the server's clock at render time; the browser only counts them down.
  const countdown = () => {
    const deadline = document.getElementById('deadline');
    const shown = document.getElementById('countdown');
    if (!deadline || !shown) {
      return;
    }
    const secondsLeft = Number(deadline.dataset.secondsLeft);
    const started = performance.now();
    document.getElementById('countdown-line').hidden = false;
    const two = (n) => String(n).padStart(2, '0');
    const tick = () => {
      const left = Math.max(0, Math.round(secondsLeft - (performance.now() - started) / 1000));
      const h = Math.floor(left / 3600);
      const m = Math.floor((left % 3600) / 60);
      shown.textContent = (h > 0 ? h + ':' + two(m) : m) + ':' + two(left % 60);
      if (left === 0) {
        shown.textContent = deadline.dataset.expired;
        return; // shop.js's polling reloads the page once the order has expired
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  };

  const keyTexts = () => Array.from(document.querySelectorAll('#keys code.key')).map((code) => code.textContent.trim());

  const copyAll = () => {
    const button = document.getElementById('copy-all');
    if (!button) {
      return;
    }
    const done = document.getElementById('copy-all-done');
    button.hidden = false;
    button.addEventListener('click', () => {
      const text = keyTexts().join('\n');
      const selectInstead = () => { // no clipboard API (plain http, old browser): select the keys for Ctrl+C
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('#keys ol'));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        done.textContent = button.dataset.selected;
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(() => { done.textContent = button.dataset.copied; }, selectInstead);
      } else {
        selectInstead();
      }
    });
  };

  // The file is made here from the keys already on the page: no second request, no second reveal.
  const download = () => {
    const button = document.getElementById('download-keys');
    if (!button) {
      return;
    }
    button.hidden = false;
    button.addEventListener('click', () => {
      const url = URL.createObjectURL(new Blob([keyTexts().join('\r\n') + '\r\n'], { type: 'text/plain;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = button.dataset.file;
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10000);
    });
  };

  // Every order page opened with its token is remembered on this device, newest first.
  const remember = () => {
    const order = document.getElementById('order');
    const token = new URLSearchParams(window.location.search).get('token');
    if (!order || !token) {
      return;
    }
    const no = order.dataset.orderNo;
    const entry = { no, token, product: order.dataset.product || '', created: order.dataset.created || '' };
    keep([entry].concat(recent().filter((o) => o.no !== no)));
  };

  const showRecent = () => {
    const section = document.getElementById('recent-orders');
    if (!section) {
      return;
    }
    const list = document.getElementById('recent-list');
    const render = () => {
      const orders = recent();
      list.replaceChildren();
      orders.forEach((o) => {
        const item = document.createElement('li');
        item.dataset.orderNo = o.no;
        const link = document.createElement('a');
        link.href = '/orders/' + encodeURIComponent(o.no) + '?token=' + encodeURIComponent(o.token);
        link.className = 'recent-link';
        link.textContent = o.no + (o.product ? ' · ' + o.product : '');
        const forget = document.createElement('button');
        forget.type = 'button';
        forget.className = 'forget';
        forget.textContent = section.dataset.forget;
        forget.addEventListener('click', () => {
          keep(recent().filter((kept) => kept.no !== o.no));
          render();
        });
        item.append(link, forget);
        list.append(item);
      });
      section.hidden = orders.length === 0;
    };
    render();
  };

  document.addEventListener('DOMContentLoaded', () => {
    localTimes();
    countdown();
    copyAll();
    download();
    remember();
    showRecent();
  });
})();
