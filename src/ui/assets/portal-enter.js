// The portal link carries its token in the URL's fragment (#token=...), which
// browsers never send to a server nor put in a Referer. This moves it into the
// sign-in form, removes it from the address bar and history, and submits.
(function () {
  var match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  var form = document.getElementById('enter-form');
  var field = document.getElementById('token');
  if (!form || !field) return;
  field.value = decodeURIComponent(match[1]);
  history.replaceState(null, '', window.location.pathname + window.location.search);
  form.submit();
})();
