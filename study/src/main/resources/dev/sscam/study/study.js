// Keyboard: 1–9 tick maps A–I, Enter submits, N says "not sure". A form is sent once: the server also
// ignores a second answer for the same trial, this only spares the round trip. Clicking a map shows it
// large beside the image; ticking is the checkbox below it, so looking never ticks.
(function () {
  var form = document.getElementById('answer');
  if (!form) { return; }
  var sent = false;
  var boxes = function () { return Array.prototype.slice.call(form.querySelectorAll('input[name=choice]')); };
  var hint = document.getElementById('hint');
  var zoom = document.getElementById('zoom');
  // Every trial starts clean. A page that Back takes from the back-forward cache shows a trial as it was
  // left, perhaps answered since: ask the server again, which sends the browser to the current trial.
  // A page loaded afresh drops whatever form state the browser restored into it.
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) {
      window.location.reload();
      return;
    }
    form.reset();
    boxes().forEach(function (b) { b.checked = false; });
    hint.hidden = true;
    sent = false;
  });
  boxes().forEach(function (b) { b.addEventListener('change', function () { hint.hidden = true; }); });
  form.addEventListener('submit', function (e) {
    var notSure = e.submitter && e.submitter.value === 'not-sure';
    if (sent || (!notSure && !boxes().some(function (b) { return b.checked; }))) {
      e.preventDefault();
      if (!sent) { hint.hidden = false; }
      return;
    }
    if (notSure) { boxes().forEach(function (b) { b.checked = false; }); }
    sent = true;
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.zoom'), function (button) {
    button.addEventListener('click', function () {
      var img = button.querySelector('img');
      var map = document.getElementById('zoom-map');
      map.src = img.src;
      map.alt = img.alt + ', large';
      document.getElementById('zoom-caption').textContent = button.getAttribute('data-caption');
      zoom.showModal();
    });
  });
  document.getElementById('zoom-close').addEventListener('click', function () { zoom.close(); });
  zoom.addEventListener('click', function (e) { if (e.target === zoom) { zoom.close(); } });
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || zoom.open) { return; }
    if (/^[1-9]$/.test(e.key)) {
      var b = boxes()[Number(e.key) - 1];
      if (b) { b.checked = !b.checked; hint.hidden = true; e.preventDefault(); }
    } else if (e.key === 'Enter') {
      e.preventDefault();
      form.requestSubmit(document.getElementById('submit'));
    } else if (e.key === 'n' || e.key === 'N') {
      e.preventDefault();
      form.requestSubmit(document.getElementById('not-sure'));
    }
  });
}());
