// Keyboard: 1–9 tick maps A–I, Enter submits, N says "not sure". A form is sent once: the server also
// ignores a second answer for the same trial, this only spares the round trip.
(function () {
  var form = document.getElementById('answer');
  if (!form) { return; }
  var sent = false;
  var boxes = function () { return Array.prototype.slice.call(form.querySelectorAll('input[name=choice]')); };
  var hint = document.getElementById('hint');
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
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
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
