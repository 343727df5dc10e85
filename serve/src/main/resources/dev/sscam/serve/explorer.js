'use strict';
// The explorer: every number on the page comes from the API (/v1/...), the same calls a service makes.
(() => {
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  const maxMaps = Number(body.dataset.maxMaps || 16);
  const state = { image: null, imageName: null, models: [], layers: [], job: null, poll: null, urls: [] };

  function token() {
    const t = $('token').value || sessionStorage.getItem('sscam-token') || '';
    return t.trim();
  }

  async function api(path, init) {
    const options = Object.assign({}, init || {});
    options.headers = Object.assign({}, options.headers || {});
    if (token()) {
      options.headers.Authorization = 'Bearer ' + token();
    }
    const r = await fetch(path, options);
    if (r.status === 401) {
      $('token-box').hidden = false;
      throw new Error('this server needs its API token: enter it above');
    }
    return r;
  }

  async function json(path, init) {
    const r = await api(path, init);
    const doc = await r.json();
    if (!r.ok) {
      throw new Error(doc.error || ('HTTP ' + r.status));
    }
    return doc;
  }

  /** An object URL of a file the API serves (with the token, which an <img src> could not send). */
  async function blobUrl(path) {
    const r = await api(path);
    if (!r.ok) {
      throw new Error('HTTP ' + r.status + ' for ' + path);
    }
    const url = URL.createObjectURL(await r.blob());
    state.urls.push(url);
    return url;
  }

  function say(text, error) {
    $('message').textContent = text;
    $('message').classList.toggle('error', !!error);
  }

  function option(select, value, text, selected) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    o.selected = !!selected;
    select.appendChild(o);
  }

  function model() {
    return $('model').value;
  }

  async function loadCatalogue() {
    const [models, methods, examples] = await Promise.all([json('/v1/models'), json('/v1/methods'), json('/v1/examples')]);
    state.models = models;
    $('model').replaceChildren();
    models.forEach((m, i) => option($('model'), m.id, m.id + ' (' + m.classes + ' classes, ' + m.input.join('x') + ')', i === 0));
    $('methods').replaceChildren($('methods').firstElementChild || document.createElement('legend'));
    $('methods').firstElementChild.textContent = 'Methods';
    methods.methods.forEach((m) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'method';
      box.value = m.id;
      box.checked = m.id === 'grad-cam';
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + m.title));
      $('methods').appendChild(label);
    });
    $('preset').replaceChildren();
    methods.presets.forEach((p) => option($('preset'), p, p + (p === methods.default_preset ? ' (default)' : ''), p === methods.default_preset));
    examples.forEach((e) => option($('example'), e.name, e.name));
    await loadModel();
  }

  async function loadModel() {
    const [layers, classes] = await Promise.all([json('/v1/models/' + model() + '/layers'), json('/v1/models/' + model() + '/classes')]);
    state.layers = layers;
    $('layer').replaceChildren();
    layers.forEach((l) => option($('layer'), l.name,
      (l.default ? '★ ' : '') + l.name + ' — ' + l.channels + '×' + l.height + '×' + l.width + ' ' + l.reading + (l.default ? ' (default)' : ''), l.default));
    $('class').replaceChildren();
    option($('class'), '', 'top-1 (the prediction)', true);
    classes.forEach((c) => option($('class'), String(c.class), c.class + ' ' + c.label));
    if (state.image) {
      await predict();
    }
  }

  async function choose(blob, name) {
    state.image = blob;
    state.imageName = name;
    const url = URL.createObjectURL(blob);
    state.urls.push(url);
    $('preview').src = url;
    $('preview').alt = name;
    $('preview').hidden = false;
    await predict();
  }

  function form(options) {
    const f = new FormData();
    f.append('image', state.image, state.imageName || 'image');
    f.append('options', JSON.stringify(options));
    return f;
  }

  async function predict() {
    $('top5').replaceChildren();
    try {
      const p = await json('/v1/predict', { method: 'POST', body: form({ model: model() }) });
      p.top.forEach((t) => {
        const li = document.createElement('li');
        li.textContent = t.label + ' — ' + (100 * t.probability).toFixed(1) + '%';
        li.dataset.class = t.class;
        li.title = 'explain this class';
        li.addEventListener('click', () => { $('class').value = String(t.class); });
        $('top5').appendChild(li);
      });
      say('');
    } catch (e) {
      say(e.message, true);
    }
  }

  function checkedMethods() {
    return Array.from(document.querySelectorAll('input[name=method]:checked')).map((b) => b.value);
  }

  function baseOptions() {
    const o = { model: model(), preset: $('preset').value, samples: Number($('samples').value), sigma: Number($('sigma').value) };
    if ($('class').value !== '') {
      o.class = Number($('class').value);
    }
    if ($('fast').checked) {
      o['fast-tolerance'] = Number($('tolerance').value);
    }
    return o;
  }

  async function start(options) {
    if (!state.image) {
      say('choose an image first', true);
      return;
    }
    stopPolling();
    state.urls.forEach((u) => { if (u !== $('preview').src) URL.revokeObjectURL(u); });
    state.urls = [$('preview').src];
    $('maps').replaceChildren();
    try {
      const job = await json('/v1/jobs', { method: 'POST', body: form(options) });
      state.job = job;
      state.cards = job.maps.map((m, i) => card(m, i));
      $('cancel').disabled = false;
      say('computing ' + job.maps.length + (job.maps.length === 1 ? ' map' : ' maps') + '…');
      poll();
    } catch (e) {
      say(e.message, true);
    }
  }

  function explain() {
    const methods = checkedMethods();
    if (methods.length === 0) {
      say('tick at least one method', true);
      return;
    }
    start(Object.assign(baseOptions(), { method: methods, layer: $('layer').value }));
  }

  function comparePresets() {
    const method = checkedMethods()[0] || 'ss-cam-1';
    const o = baseOptions();
    delete o.preset;
    start(Object.assign(o, { method: method, layer: $('layer').value, presets: Array.from($('preset').options).map((p) => p.value) }));
  }

  function compareLayers() {
    const method = checkedMethods()[0] || 'grad-cam';
    // the deepest candidates, as many as one request may ask for
    const layers = state.layers.map((l) => l.name).slice(-maxMaps);
    start(Object.assign(baseOptions(), { method: method, layers: layers }));
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function card(m, i) {
    const c = el('figure', 'map');
    c.dataset.index = i;
    const stack = el('div', 'stack');
    c.appendChild(stack);
    c.appendChild(el('h3', null, m.title + ' @ ' + (m.layer || 'default layer')));
    const facts = el('p', 'facts', 'queued');
    c.appendChild(facts);
    const bar = el('progress');
    bar.hidden = true;
    c.appendChild(bar);
    const links = el('p', 'downloads');
    c.appendChild(links);
    $('maps').appendChild(c);
    return { root: c, stack: stack, facts: facts, bar: bar, links: links, drawn: false };
  }

  function fmt(x, digits) {
    return Number(x).toFixed(digits);
  }

  async function draw(job, i, m) {
    const c = state.cards[i];
    c.drawn = true;
    c.root.classList.add('done');
    c.bar.hidden = true;
    c.root.querySelector('h3').textContent = m.title + ' @ ' + m.layer;
    c.facts.replaceChildren();
    const facts = [m.label + ' (class ' + m.class + ')', 'score ' + fmt(m.score, 3), m.passes + ' passes', fmt(m.seconds, 2) + ' s'];
    if (m.fast) {
      facts.push('fast ≈' + fmt(m.fast.estimated_rms_error, 3) + ' (' + m.fast.passes + '/' + m.fast.exact_passes + ' passes)');
    }
    if (m.all_zero) {
      facts.push('map is zero everywhere');
    }
    facts.forEach((f) => c.facts.appendChild(el('span', null, f)));
    const base = '/v1/jobs/' + job.id;
    const picture = el('img', 'picture');
    picture.alt = 'the image';
    const heat = el('img', 'heat');
    heat.alt = m.title + ' map';
    heat.style.opacity = $('opacity').value / 100;
    picture.src = await blobUrl(base + '/picture.png');
    heat.src = await blobUrl(base + '/maps/' + i + '.heatmap.png');
    c.stack.replaceChildren(picture, heat);
    [['PNG', '.png'], ['NPY', '.npy'], ['JSON', '.json']].forEach(([text, ext]) => {
      const a = el('a', 'download', text);
      a.href = '#';
      a.dataset.path = base + '/maps/' + i + ext;
      a.download = 'map-' + i + '.' + m.method + ext;
      a.addEventListener('click', download);
      c.links.appendChild(a);
    });
  }

  /** Downloads through fetch, so that a token can go with it; the browser saves the blob. */
  async function download(event) {
    const a = event.currentTarget;
    if (a.href.startsWith('blob:')) {
      return;
    }
    event.preventDefault();
    try {
      a.href = await blobUrl(a.dataset.path);
      a.click();
    } catch (e) {
      say(e.message, true);
    }
  }

  function progress(i, m) {
    const c = state.cards[i];
    if (m.state === 'running') {
      if (m.passes_total > 0) {
        c.bar.hidden = false;
        c.bar.max = m.passes_total;
        c.bar.value = m.passes_done;
        c.facts.textContent = m.passes_done + ' / ' + m.passes_total + ' passes'
          + (m.eta_seconds != null ? ', about ' + Math.ceil(m.eta_seconds) + ' s left' : '');
      } else {
        c.bar.hidden = false;
        c.bar.removeAttribute('value');
        c.facts.textContent = 'computing… ' + fmt(m.elapsed_seconds, 1) + ' s';
      }
    } else if (m.state === 'not computed') {
      c.bar.hidden = true;
      c.facts.textContent = 'not computed';
    }
  }

  async function poll() {
    const job = state.job;
    if (!job) return;
    try {
      const s = await json('/v1/jobs/' + job.id);
      for (let i = 0; i < s.maps.length; i++) {
        if (s.maps[i].state === 'done' && !state.cards[i].drawn) {
          await draw(s, i, s.maps[i]);
        } else if (s.maps[i].state !== 'done') {
          progress(i, s.maps[i]);
        }
      }
      if (s.state === 'queued' || s.state === 'running') {
        state.poll = setTimeout(poll, 400);
        return;
      }
      $('cancel').disabled = true;
      state.job = null;
      if (s.state === 'done') {
        say(s.maps.length + (s.maps.length === 1 ? ' map' : ' maps') + ' done');
      } else {
        say(s.state + ': ' + (s.error || ''), s.state === 'failed');
      }
    } catch (e) {
      say(e.message, true);
    }
  }

  function stopPolling() {
    if (state.poll) {
      clearTimeout(state.poll);
      state.poll = null;
    }
  }

  async function cancel() {
    if (!state.job) return;
    try {
      await json('/v1/jobs/' + state.job.id, { method: 'DELETE' });
      say('cancelling…');
    } catch (e) {
      say(e.message, true);
    }
  }

  function wire() {
    $('file').addEventListener('change', () => {
      const f = $('file').files[0];
      if (f) choose(f, f.name);
    });
    const drop = $('drop');
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      const f = e.dataTransfer.files[0];
      if (f) choose(f, f.name);
    });
    $('example').addEventListener('change', async () => {
      const name = $('example').value;
      if (!name) return;
      const r = await api('/v1/examples/' + encodeURIComponent(name));
      choose(await r.blob(), name);
    });
    $('model').addEventListener('change', () => loadModel().catch((e) => say(e.message, true)));
    $('token').addEventListener('change', () => {
      sessionStorage.setItem('sscam-token', $('token').value.trim());
      loadCatalogue().then(() => say('')).catch((e) => say(e.message, true));
    });
    $('opacity').addEventListener('input', () => {
      document.querySelectorAll('.stack img.heat').forEach((h) => { h.style.opacity = $('opacity').value / 100; });
    });
    $('explain').addEventListener('click', explain);
    $('compare-presets').addEventListener('click', comparePresets);
    $('compare-layers').addEventListener('click', compareLayers);
    $('cancel').addEventListener('click', cancel);
  }

  wire();
  loadCatalogue().catch((e) => say(e.message, true));
})();
