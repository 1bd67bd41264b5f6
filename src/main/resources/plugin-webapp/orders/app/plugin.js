// kamiflow "Orders" Cockpit plugin: a navigation entry (only for users with the kamiflow-orders grant), a searchable
// order list (#/orders) and one order's timeline (#/orders/{orderNo}). Plain DOM, no framework, no build step.
// Everything the server sends is put into the page as text, never as HTML.

const STATUSES = ['PENDING_PAYMENT', 'PAID', 'AWAITING_STOCK', 'DELIVERED', 'MANUAL', 'REFUNDED', 'EXPIRED', 'CANCELLED'];
const CHANNELS = ['sandbox', 'alipay', 'wechat', 'stripe', 'epay'];
const FILTER_KEY = 'kamiflow-orders-filter';
const KINDS = {
  CHECKOUT: 'Checkout', STATUS: 'Status', PAYMENT: 'Payment', REFUND: 'Refund', CLAIM: 'Keys', DELIVERY_ATTEMPT: 'Key mail',
  MAIL: 'Mail', KEY_REVEAL: 'Keys shown', AUDIT: 'Staff action', PROCESS: 'Process', INCIDENT: 'Incident', TASK: 'Task'
};

function base(api) {
  return api.cockpitApi + '/plugin/orders/' + encodeURIComponent(api.engine);
}

/** GET with the session cookie; the CSRF header is what Camunda's webapp expects of its own calls too. */
async function getJson(api, path) {
  const response = await fetch(base(api) + path, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-XSRF-TOKEN': api.CSRFToken || '' }
  });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  return { status: response.status, body: body };
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => {
    if (value !== null && value !== undefined) {
      node.setAttribute(name, value);
    }
  });
  children.flat(Infinity).forEach(child => {
    if (child !== null && child !== undefined) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
  });
  return node;
}

function time(value) {
  if (!value) {
    return '';
  }
  const d = new Date(value);
  const pad = n => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
    + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function status(value) {
  return el('span', { class: 'kf-status kf-status-' + String(value).toLowerCase() }, value);
}

/** An order waiting for a person: its open tasks and incidents as flags with text (not a colour alone). */
function attention(order) {
  const flags = [];
  if (order.openTasks > 0) {
    flags.push(el('span', { class: 'kf-flag kf-flag-task' }, order.openTasks === 1 ? '1 open task' : order.openTasks + ' open tasks'));
  }
  if (order.openIncidents > 0) {
    flags.push(el('span', { class: 'kf-flag kf-flag-incident' },
      order.openIncidents === 1 ? '1 incident' : order.openIncidents + ' incidents'));
  }
  return flags;
}

function problemText(result) {
  if (result.body && result.body.detail) {
    return result.body.detail;
  }
  return 'The server answered ' + result.status + '.';
}

function message(text, kind) {
  return el('div', { class: 'kf-message kf-message-' + kind }, text);
}

// ---------- list ----------

function readFilter() {
  try {
    return JSON.parse(sessionStorage.getItem(FILTER_KEY)) || {};
  } catch (e) {
    return {};
  }
}

function renderList(node, api) {
  const saved = readFilter();
  const field = (label, input) => el('label', { class: 'kf-field' }, el('span', {}, label), input);
  const orderNo = el('input', { type: 'text', name: 'orderNo', placeholder: 'prefix, e.g. 2612', value: saved.orderNo || '' });
  const email = el('input', { type: 'email', name: 'email', placeholder: 'buyer@example.com', value: saved.email || '' });
  const statusSelect = el('select', { name: 'status' }, el('option', { value: '' }, 'any'),
    STATUSES.map(s => el('option', { value: s }, s)));
  statusSelect.value = saved.status || '';
  const channel = el('select', { name: 'channel' }, el('option', { value: '' }, 'any'),
    CHANNELS.map(c => el('option', { value: c }, c)));
  channel.value = saved.channel || '';
  const from = el('input', { type: 'date', name: 'from', value: saved.from || '' });
  const to = el('input', { type: 'date', name: 'to', value: saved.to || '' });
  const size = el('select', { name: 'size' }, ['20', '50', '100'].map(s => el('option', { value: s }, s)));
  size.value = saved.size || '20';
  const needsAttention = el('input', { type: 'checkbox', name: 'needsAttention', value: 'true', class: 'kf-attention-filter' });
  needsAttention.checked = saved.needsAttention === 'true';
  const form = el('form', { class: 'kf-search' },
    field('Order no', orderNo), field('Buyer email', email), field('Status', statusSelect), field('Channel', channel),
    field('Created from', from), field('Created to', to), field('Per page', size),
    el('label', { class: 'kf-field kf-check' }, needsAttention, el('span', {}, 'Needs attention only (open task or incident)')),
    el('button', { type: 'submit', class: 'btn btn-primary kf-search-button' }, 'Search'));
  const results = el('div', { class: 'kf-results' });
  node.appendChild(el('div', { class: 'kf-orders' },
    el('h1', {}, 'Orders'),
    el('p', { class: 'kf-hint' }, 'Every order, running or finished: search, then open one for its timeline.'),
    form, results));

  // Keyset pages: the server answers `next` (the page's last order number) when there is more; `after` asks for the
  // page after it. afters[i] is what page i was asked with, so Previous goes back without counting anything.
  let afters = [null];
  let page = 0;
  const load = async () => {
    const filter = {
      orderNo: orderNo.value.trim(), email: email.value.trim(), status: statusSelect.value, channel: channel.value,
      from: from.value, to: to.value, size: size.value, needsAttention: needsAttention.checked ? 'true' : ''
    };
    sessionStorage.setItem(FILTER_KEY, JSON.stringify(filter));
    const query = new URLSearchParams();
    Object.entries(filter).forEach(([name, value]) => {
      if (value) {
        query.set(name, value);
      }
    });
    if (afters[page]) {
      query.set('after', afters[page]);
    }
    results.replaceChildren(message('Loading…', 'info'));
    const result = await getJson(api, '/orders?' + query.toString());
    if (result.status !== 200) {
      results.replaceChildren(message(problemText(result), 'error'));
      return;
    }
    afters = afters.slice(0, page + 1).concat(result.body.next ? [result.body.next] : []);
    results.replaceChildren(listTable(result.body, page, () => { page -= 1; load(); }, () => { page += 1; load(); }));
  };
  form.addEventListener('submit', event => {
    event.preventDefault();
    afters = [null];
    page = 0;
    load();
  });
  load();
}

function listTable(data, page, previous, next) {
  const first = page * data.size + 1;
  const last = page * data.size + data.orders.length;
  const count = page === 0 && !data.next
    ? data.orders.length + (data.orders.length === 1 ? ' order' : ' orders')
    : 'orders ' + first + '–' + last + (data.next ? ', more on the next page' : '');
  const summary = el('div', { class: 'kf-pager' }, el('span', { class: 'kf-count' }, count));
  const prev = el('button', { type: 'button', class: 'btn btn-default' }, '‹ Previous');
  prev.disabled = page === 0;
  prev.addEventListener('click', previous);
  const nxt = el('button', { type: 'button', class: 'btn btn-default' }, 'Next ›');
  nxt.disabled = !data.next;
  nxt.addEventListener('click', next);
  summary.append(prev, nxt);
  if (data.orders.length === 0) {
    return el('div', {}, summary, message('No order matches.', 'info'));
  }
  const head = el('tr', {}, ['Order no', 'Status', 'Product', 'Qty', 'Amount', 'Channel', 'Buyer', 'Created', 'Paid', 'Delivered']
    .map(h => el('th', {}, h)));
  const rows = data.orders.map(o => el('tr', {
    class: 'kf-order-row' + (o.openTasks > 0 || o.openIncidents > 0 ? ' kf-needs-attention' : ''), 'data-order-no': o.orderNo },
    el('td', {}, el('a', { href: '#/orders/' + encodeURIComponent(o.orderNo), class: 'kf-order-link' }, o.orderNo)),
    el('td', {}, status(o.status), attention(o)),
    el('td', {}, o.sku), el('td', { class: 'kf-num' }, String(o.quantity)),
    el('td', { class: 'kf-num' }, o.amount + ' ' + o.currency), el('td', {}, o.channel), el('td', {}, o.email),
    el('td', {}, time(o.createdAt)), el('td', {}, time(o.paidAt)), el('td', {}, time(o.deliveredAt))));
  return el('div', {}, summary, el('table', { class: 'table table-striped kf-table' }, el('thead', {}, head), el('tbody', {}, rows)));
}

// ---------- timeline ----------

function orderNoFromLocation() {
  const match = /#\/orders\/([^/?]+)/.exec(window.location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

async function renderTimeline(node, api) {
  const orderNo = orderNoFromLocation();
  const root = el('div', { class: 'kf-orders' }, el('a', { href: '#/orders', class: 'kf-back' }, '‹ All orders'),
    el('h1', {}, 'Order ' + (orderNo || '')));
  const body = el('div', {}, message('Loading…', 'info'));
  root.appendChild(body);
  node.appendChild(root);
  const result = await getJson(api, '/orders/' + encodeURIComponent(orderNo || '-'));
  if (result.status !== 200) {
    body.replaceChildren(message(problemText(result), 'error'));
    return;
  }
  const t = result.body;
  const o = t.order;
  const facts = [
    ['Status', [status(o.status), attention(o)]], ['Product', o.sku + ' × ' + o.quantity], ['Amount', o.amount + ' ' + o.currency],
    ['Channel', o.channel], ['Buyer', o.email], ['Created', time(o.createdAt)], ['Paid', time(o.paidAt) || '–'],
    ['Delivered', time(o.deliveredAt) || '–'],
    ['Keys', t.keys.sold + ' sold, ' + t.keys.reserved + ' reserved, ' + t.keys.voided + ' void']
  ];
  const summary = el('dl', { class: 'kf-facts' }, facts.map(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
  const link = t.cockpitLink
    ? el('p', {}, el('a', { href: t.cockpitLink, class: 'btn btn-default kf-instance-link' }, 'Open the running instance in Cockpit'))
    : el('p', { class: 'kf-hint' }, 'No running process instance: the timeline below is read from history.');
  const processes = el('table', { class: 'table kf-table kf-processes' },
    el('thead', {}, el('tr', {}, ['Process', 'State', 'Started', 'Ended', 'Instance'].map(h => el('th', {}, h)))),
    el('tbody', {}, t.processes.map(p => el('tr', {},
      el('td', {}, p.processDefinitionName), el('td', {}, p.cockpitLink ? 'RUNNING' : p.state),
      el('td', {}, time(p.startedAt)), el('td', {}, time(p.endedAt)),
      el('td', { class: 'kf-mono' }, p.cockpitLink ? el('a', { href: p.cockpitLink }, p.id) : p.id)))));
  const events = el('table', { class: 'table kf-table kf-timeline' },
    el('thead', {}, el('tr', {}, ['Time', 'Kind', 'What', 'Details'].map(h => el('th', {}, h)))),
    el('tbody', {}, t.events.map(e => el('tr', { class: 'kf-event kf-event-' + e.kind.toLowerCase() },
      el('td', { class: 'kf-time' }, time(e.at)), el('td', {}, el('span', { class: 'kf-kind' }, KINDS[e.kind] || e.kind)),
      el('td', {}, e.title),
      el('td', {}, el('dl', { class: 'kf-detail' }, Object.entries(e.detail).map(([name, value]) =>
        [el('dt', {}, name), el('dd', {}, value)])))))));
  body.replaceChildren(summary, link, el('h2', {}, 'Processes'), processes, el('h2', {}, 'Timeline'), events);
}

export default [
  {
    id: 'kamiflow-orders-navigation',
    pluginPoint: 'cockpit.navigation',
    priority: 5,
    properties: { path: '/orders' },
    render: (node, { api }) => {
      getJson(api, '/access').then(result => {
        if (result.status === 200 && result.body && result.body.allowed) {
          node.appendChild(el('a', { href: '#/orders', class: 'kf-nav-orders' }, 'Orders'));
        }
      });
    }
  },
  {
    id: 'kamiflow-orders-list',
    pluginPoint: 'cockpit.route',
    properties: { path: '/orders' },
    render: (node, { api }) => renderList(node, api)
  },
  {
    id: 'kamiflow-orders-timeline',
    pluginPoint: 'cockpit.route',
    properties: { path: '/orders/:orderNo' },
    render: (node, { api }) => { renderTimeline(node, api); }
  }
];
