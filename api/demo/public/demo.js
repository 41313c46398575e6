// The graphrec demo storefront. Plain browser JavaScript, no build step: it talks only to the public GraphQL API
// (/graphql on the same origin) with the storefront key, if the server asks for one. Every product click is a real
// trackEvents mutation; the next recommendations are requested with that product as context.
(function () {
  'use strict';

  const REC_QUERY = `query Recs($userId: ID, $sessionId: ID, $context: ContextInput) {
    recommendations(userId: $userId, sessionId: $sessionId, context: $context, first: 8, explain: true) {
      recId modelVersion variant degraded degradedReasons cached
      items {
        score sources
        product { id name price inStock category { id name parent { id name parent { id name } } } brand { name } }
        explanation { source text }
      }
    }
  }`;
  const PRODUCT_QUERY = `query Product($id: ID!) {
    product(id: $id) { id name price description category { id name parent { id name parent { id name } } } brand { name tier } }
    similarProducts(productId: $id, first: 6) { degraded items { score source product { id name price } } }
  }`;
  const TRENDING_QUERY = `query Trending($categoryId: ID) {
    trending(categoryId: $categoryId, window: MONTH, first: 6) { anchor items { score product { id name price } } }
  }`;
  const TRACK = `mutation Track($events: [EventInput!]!) { trackEvents(events: $events) { accepted duplicates } }`;

  const $ = (id) => document.getElementById(id);
  const state = { userId: null, sessionId: null, productId: null, recId: null, topCategory: null, clicks: 0 };

  const params = new URLSearchParams(location.search);
  $('api-key').value = params.get('key') || localStorage.getItem('graphrec-demo-key') || '';
  $('api-key').addEventListener('change', () =>
    localStorage.setItem('graphrec-demo-key', $('api-key').value),
  );

  function status(text, isError) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
  }

  async function gql(query, variables) {
    const headers = { 'content-type': 'application/json' };
    const key = $('api-key').value.trim();
    if (key) headers['x-api-key'] = key;
    const res = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}` }] }));
    if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return body.data;
  }

  const randomId = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  const euro = (p) => (typeof p === 'number' ? `€${p.toFixed(2)}` : '');
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const topOf = (c) => {
    while (c && c.parent) c = c.parent;
    return c;
  };
  const path = (c) => {
    const names = [];
    for (; c; c = c.parent) names.unshift(c.name);
    return names.join(' › ');
  };

  function start(userId) {
    state.userId = userId;
    state.sessionId = `demo-${randomId()}`;
    state.productId = null;
    state.topCategory = null;
    state.clicks = 0;
    $('events').replaceChildren();
    $('product-section').hidden = true;
    status(
      userId
        ? `Shopping as ${userId} (session ${state.sessionId}).`
        : `Anonymous session ${state.sessionId}.`,
    );
    return Promise.all([loadRecs(), loadTrending()]);
  }

  async function loadRecs() {
    const context = { device: 'DESKTOP', page: state.productId ? 'PRODUCT' : 'HOME' };
    if (state.productId) context.productId = state.productId;
    const data = await gql(REC_QUERY, { userId: state.userId, sessionId: state.sessionId, context });
    const recs = data.recommendations;
    state.recId = recs.recId;
    $('recs-meta').textContent =
      `model ${recs.modelVersion || 'none'} · variant ${recs.variant}` +
      (recs.cached ? ' · cached' : '') +
      (recs.degraded ? ` · degraded: ${recs.degradedReasons.join(', ')}` : '');
    const list = $('recs');
    list.replaceChildren();
    list.dataset.recId = recs.recId;
    for (const item of recs.items) {
      const p = item.product;
      const li = el('li', 'card');
      li.dataset.productId = p.id;
      li.append(el('span', 'price', euro(p.price)), el('div', 'name', p.name || p.id));
      li.append(el('div', 'meta', `${path(p.category)}${p.brand ? ` · ${p.brand.name}` : ''}`));
      const badges = el('div', 'meta');
      for (const s of item.sources) badges.append(el('span', 'badge', s.toLowerCase()));
      li.append(badges);
      const why = el('ul', 'why');
      for (const x of item.explanation || []) why.append(el('li', '', x.text));
      li.append(why);
      li.addEventListener('click', () => view(p.id).catch(fail));
      list.append(li);
    }
    if (recs.items.length === 0) list.append(el('li', 'meta', 'No recommendations.'));
  }

  async function loadTrending() {
    const data = await gql(TRENDING_QUERY, { categoryId: state.topCategory ? state.topCategory.id : null });
    $('trending-where').textContent = state.topCategory ? `in ${state.topCategory.name}` : 'everywhere';
    const list = $('trending');
    list.replaceChildren();
    for (const item of data.trending.items) {
      const li = el('li', '', `${item.product.name || item.product.id} ${euro(item.product.price)}`);
      li.dataset.productId = item.product.id;
      li.addEventListener('click', () => view(item.product.id).catch(fail));
      list.append(li);
    }
  }

  async function track(type, productId, price) {
    state.clicks += 1;
    const event = {
      idempotencyKey: `${state.sessionId}:${state.clicks}:${randomId()}`.slice(0, 128),
      type,
      productId,
      sessionId: state.sessionId,
      timestamp: new Date().toISOString(),
    };
    if (state.userId) event.userId = state.userId;
    if (state.recId) event.recId = state.recId;
    if (type !== 'VIEW') {
      event.quantity = 1;
      if (typeof price === 'number') event.price = price;
    }
    const data = await gql(TRACK, { events: [event] });
    const li = el(
      'li',
      '',
      `${type.toLowerCase()} ${productId} · ${data.trackEvents.accepted ? 'accepted' : 'duplicate'}`,
    );
    $('events').prepend(li);
  }

  async function view(productId) {
    if (!state.sessionId) await start(null);
    status(`Viewing ${productId}…`);
    await track('VIEW', productId);
    state.productId = productId;
    const data = await gql(PRODUCT_QUERY, { id: productId });
    const p = data.product;
    const box = $('product');
    box.replaceChildren(el('div', 'name', `${p.name} ${euro(p.price)}`), el('p', '', path(p.category)));
    if (p.brand) box.append(el('p', '', `${p.brand.name} (${p.brand.tier})`));
    box.dataset.productId = p.id;
    box.dataset.price = String(p.price);
    $('product-section').hidden = false;
    const sim = $('similar');
    sim.replaceChildren();
    for (const item of data.similarProducts.items) {
      const li = el(
        'li',
        '',
        `${item.product.name || item.product.id} (${item.source.toLowerCase()}, ${item.score.toFixed(3)})`,
      );
      li.dataset.productId = item.product.id;
      li.addEventListener('click', () => view(item.product.id).catch(fail));
      sim.append(li);
    }
    if (data.similarProducts.items.length === 0) sim.append(el('li', 'meta', 'No similar products.'));
    state.topCategory = topOf(p.category);
    await Promise.all([loadRecs(), loadTrending()]);
    status(`Viewed ${p.name}. Recommendations now follow this product and your session.`);
  }

  async function buy(type) {
    if (!state.productId) return;
    await track(type, state.productId, Number($('product').dataset.price));
    await loadRecs();
    status(`${type === 'CART' ? 'Added to cart' : 'Bought'}: ${state.productId}.`);
  }

  function fail(err) {
    status(`Error: ${err.message}`, true);
  }

  $('who').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = $('user-id').value.trim();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id))
      return fail(new Error('a user id is letters, digits, _ or -, e.g. u1'));
    start(id).catch(fail);
  });
  $('anonymous').addEventListener('click', () => start(null).catch(fail));
  $('add-to-cart').addEventListener('click', () => buy('CART').catch(fail));
  $('buy').addEventListener('click', () => buy('PURCHASE').catch(fail));

  if (params.get('user')) {
    $('user-id').value = params.get('user');
    start(params.get('user')).catch(fail);
  }
})();
