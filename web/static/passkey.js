// Passkeys in the browser (WebAuthn): the sign-in page's "Sign in with a
// passkey", the second-factor page's "Use a passkey" and the
// /account/passkeys page's "Add a passkey". The server sends
// the options as JSON with binary members in base64url and takes the results
// as form fields in base64url (src/oauth/passkey.h); this file only converts
// between the two and calls navigator.credentials. No inline script: the
// page's CSP forbids it.
"use strict";

(function () {
  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(path, fields) {
    var body = new URLSearchParams(fields);
    return fetch(path, {method: "POST", body: body, credentials: "same-origin",
                        headers: {"Accept": "application/json"}})
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error(j.error_description || j.error || String(r.status));
          return j;
        });
      });
  }

  function say(el, text) {
    if (el) el.textContent = text;
  }

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials);
  }

  // ---- sign-in ----
  function signIn(form) {
    var status = form.querySelector("#passkey-status");
    var csrf = form.elements.csrf.value;
    var fields = {csrf: csrf};
    // purpose=mfa: the second factor of the sign-in waiting for it, whose
    // member's passkeys the server lists in allowCredentials
    if (form.dataset.purpose) fields.purpose = form.dataset.purpose;
    say(status, "");
    post("/auth/passkey/login/options", fields)
      .then(function (o) {
        return navigator.credentials.get({publicKey: {
          challenge: toBytes(o.challenge), rpId: o.rpId, timeout: o.timeout,
          userVerification: o.userVerification,
          allowCredentials: (o.allowCredentials || []).map(function (c) {
            return {type: c.type, id: toBytes(c.id), transports: c.transports};
          })}});
      })
      .then(function (cred) {
        var r = cred.response;
        form.elements.credential_id.value = toB64url(cred.rawId);
        form.elements.client_data.value = toB64url(r.clientDataJSON);
        form.elements.authenticator_data.value = toB64url(r.authenticatorData);
        form.elements.signature.value = toB64url(r.signature);
        form.elements.user_handle.value = r.userHandle ? toB64url(r.userHandle) : "";
        form.submit();
      })
      .catch(function () { say(status, form.dataset.failed); });
  }

  // ---- registration ----
  function register(form) {
    var status = form.querySelector("#passkey-status");
    var csrf = form.dataset.csrf, name = form.elements.name.value;
    say(status, form.dataset.working);
    post("/auth/passkey/register/options", {csrf: csrf})
      .then(function (o) {
        o.challenge = toBytes(o.challenge);
        o.user.id = toBytes(o.user.id);
        o.excludeCredentials = o.excludeCredentials.map(function (c) {
          return {type: c.type, id: toBytes(c.id), transports: c.transports};
        });
        return navigator.credentials.create({publicKey: o});
      })
      .then(function (cred) {
        var r = cred.response;
        var transports = r.getTransports ? r.getTransports() : [];
        return post("/auth/passkey/register", {
          csrf: csrf, name: name, credential_id: toB64url(cred.rawId),
          client_data: toB64url(r.clientDataJSON),
          attestation_object: toB64url(r.attestationObject), transports: transports.join(" ")});
      })
      .then(function () { window.location.assign(window.location.pathname); })
      .catch(function (e) { say(status, form.dataset.failed + (e && e.message ? " (" + e.message + ")" : "")); });
  }

  var signin = document.getElementById("passkey-signin");
  if (signin && supported()) {
    signin.hidden = false;
    var form = document.getElementById("passkey-form");
    document.getElementById("passkey-button").addEventListener("click", function () { signIn(form); });
  }
  var add = document.getElementById("passkey-add");
  if (add) {
    add.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!supported()) { say(add.querySelector("#passkey-status"), add.dataset.unsupported); return; }
      register(add);
    });
  }
})();
