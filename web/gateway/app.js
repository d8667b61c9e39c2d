/* The gateway's page: sign-in buttons per platform, the platform callback,
 * and the signed-in view (user info, re-consent, logout, revoke).
 *
 * Talks only to the gateway's own API (/oauth2/api/*, the seed 002 envelope
 * {flag, title, message, body}); the cookies that keep the person signed in
 * are HttpOnly and never seen here. Every text exists in English and Korean;
 * the language comes from a saved choice, else the server's pick (<html lang>,
 * from Accept-Language), else the browser's, and the switch swaps the texts
 * in place. Nothing the server or a platform sends is inserted as HTML. */
'use strict';

const TEXTS = {
  en: {
    switchTo: '한국어',
    switchLabel: '한국어로 보기',
    loading: 'Loading…',
    signingIn: 'Signing you in…',
    signinTitle: 'Sign in',
    signinLead: 'Choose the account you want to sign in with.',
    continueWith: 'Continue with {label}',
    noPlatforms: 'No sign-in platform is configured on this gateway yet.',
    signedIn: 'Signed in',
    email: 'Email',
    platform: 'Signed in with',
    noEmail: 'Not shared',
    noName: 'Your account',
    reconsent: 'Review consent',
    logout: 'Sign out',
    revoke: 'Unlink this account…',
    revokeQuestion:
      'Unlink this account? The platform forgets what you agreed to share and this service deletes your data. Next time you will be asked to consent again.',
    revokeYes: 'Unlink',
    cancel: 'Cancel',
    signedOut: 'You are signed out.',
    revoked: 'Your account is unlinked and its data deleted.',
    reconsentUnavailable: 'Re-consent is not available for {label}.',
    errNetwork: 'The gateway could not be reached. Check your connection and try again.',
    errLoginUrl: 'The sign-in page of {label} could not be prepared. Please try again.',
    errLogin: 'Sign-in could not be completed. Please try again.',
    errCallback: 'The answer from the sign-in platform was incomplete. Please start again.',
    errDenied: 'You did not agree to share your information, so you were not signed in.',
    errPlatform: '{label} could not sign you in. Please try again.',
    errPlatformBusy: '{label} is busy right now. Please try again in a moment.',
    errSession: 'Your session has ended. Please sign in again.',
    errLogout: 'Signing out failed. Please try again.',
    errRevoke: 'Unlinking failed. Please try again.',
    errGeneric: 'Something went wrong. Please try again.',
    /* the reasons of a failure, by the code in the answer's body (docs/gateway.md) */
    code_state_expired: 'This sign-in took too long or was already used. Start again from the buttons below.',
    code_state_other_browser: 'This sign-in was not started in this browser. Start again here.',
    code_state_other_platform: 'This sign-in was started with another platform. Start again.',
    code_bad_request: 'The gateway did not accept the request.',
    code_unsupported: 'The platform does not offer this.',
    code_unauthorized: 'You are not signed in.',
    code_forbidden: 'The request did not come from this page, so it was refused.',
    code_not_found: 'The gateway does not know this platform.',
    code_too_large: 'The request was too large.',
    code_too_many_requests: 'There were too many attempts. Wait a minute and try again.',
    code_internal: 'The gateway had a problem on its side.',
    code_upstream: 'The sign-in platform did not answer as expected.',
    code_unavailable: 'The gateway cannot reach its database right now.',
    code_upstream_timeout: 'The sign-in platform did not answer in time.',
    footer: 'Gatehouse · social sign-in',
  },
  ko: {
    switchTo: 'English',
    switchLabel: 'View in English',
    loading: '불러오는 중…',
    signingIn: '로그인하는 중…',
    signinTitle: '로그인',
    signinLead: '로그인에 사용할 계정을 선택하세요.',
    continueWith: '{label} 계정으로 로그인',
    noPlatforms: '이 게이트웨이에 설정된 로그인 플랫폼이 아직 없습니다.',
    signedIn: '로그인됨',
    email: '이메일',
    platform: '로그인한 계정',
    noEmail: '공유하지 않음',
    noName: '내 계정',
    reconsent: '동의 항목 다시 선택',
    logout: '로그아웃',
    revoke: '이 계정 연결 끊기…',
    revokeQuestion:
      '이 계정의 연결을 끊을까요? 플랫폼은 정보 제공 동의 내역을 지우고, 이 서비스는 회원님의 데이터를 삭제합니다. 다음 로그인 때 다시 동의해야 합니다.',
    revokeYes: '연결 끊기',
    cancel: '취소',
    signedOut: '로그아웃했습니다.',
    revoked: '계정 연결을 끊고 데이터를 삭제했습니다.',
    reconsentUnavailable: '{label}에서는 동의 다시 하기를 지원하지 않습니다.',
    errNetwork: '게이트웨이에 연결할 수 없습니다. 연결 상태를 확인하고 다시 시도해 주세요.',
    errLoginUrl: '{label} 로그인 페이지를 준비하지 못했습니다. 다시 시도해 주세요.',
    errLogin: '로그인을 완료하지 못했습니다. 다시 시도해 주세요.',
    errCallback: '로그인 플랫폼의 응답이 완전하지 않습니다. 처음부터 다시 시도해 주세요.',
    errDenied: '정보 제공에 동의하지 않아 로그인하지 않았습니다.',
    errPlatform: '{label}에서 로그인을 완료하지 못했습니다. 다시 시도해 주세요.',
    errPlatformBusy: '{label} 서비스가 지금 바쁩니다. 잠시 후 다시 시도해 주세요.',
    errSession: '로그인이 만료되었습니다. 다시 로그인해 주세요.',
    errLogout: '로그아웃하지 못했습니다. 다시 시도해 주세요.',
    errRevoke: '연결을 끊지 못했습니다. 다시 시도해 주세요.',
    errGeneric: '문제가 발생했습니다. 다시 시도해 주세요.',
    code_state_expired: '로그인 시간이 지났거나 이미 사용된 요청입니다. 아래 버튼으로 다시 시작해 주세요.',
    code_state_other_browser: '이 브라우저에서 시작한 로그인이 아닙니다. 여기에서 다시 시작해 주세요.',
    code_state_other_platform: '다른 플랫폼으로 시작한 로그인입니다. 다시 시작해 주세요.',
    code_bad_request: '게이트웨이가 요청을 받아들이지 않았습니다.',
    code_unsupported: '이 플랫폼은 이 기능을 제공하지 않습니다.',
    code_unauthorized: '로그인되어 있지 않습니다.',
    code_forbidden: '이 페이지에서 보낸 요청이 아니어서 거부되었습니다.',
    code_not_found: '게이트웨이에 설정되지 않은 플랫폼입니다.',
    code_too_large: '요청이 너무 큽니다.',
    code_too_many_requests: '시도가 너무 많습니다. 1분 후에 다시 시도해 주세요.',
    code_internal: '게이트웨이에 문제가 발생했습니다.',
    code_upstream: '로그인 플랫폼이 예상과 다르게 응답했습니다.',
    code_unavailable: '게이트웨이가 지금 데이터베이스에 연결할 수 없습니다.',
    code_upstream_timeout: '로그인 플랫폼이 제시간에 응답하지 않았습니다.',
    footer: 'Gatehouse · 소셜 로그인',
  },
};

/* What an `error` from a platform's redirect means, in words (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6). */
const PLATFORM_ERRORS = {
  access_denied: 'errDenied',
  consent_required: 'errDenied',
  temporarily_unavailable: 'errPlatformBusy',
};

const LANG_KEY = 'gatehouse.lang';
const SIGNED_OUT_KEY = 'gatehouse.signedOut';
const API = '/oauth2/api';
const $ = (id) => document.getElementById(id);

const state = { lang: 'en', platforms: [], user: null, notice: null, view: 'view-loading' };

/* ------------------------------------------------------------- language -- */

function supported(tag) {
  const base = String(tag || '').toLowerCase().split('-')[0];
  return Object.hasOwn(TEXTS, base) ? base : null;
}

function savedLang() {
  try {
    return supported(localStorage.getItem(LANG_KEY));
  } catch {
    return null; /* storage disabled */
  }
}

function initialLang() {
  const fromBrowser = (navigator.languages || []).map(supported).find(Boolean);
  return savedLang() || supported(document.documentElement.lang) || fromBrowser || 'en';
}

/* The text named key in the current language, with {name} filled from vars. */
function t(key, vars = {}) {
  const text = TEXTS[state.lang][key] ?? TEXTS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

function applyTexts() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  const sw = $('lang-switch');
  sw.textContent = t('switchTo');
  sw.title = t('switchLabel'); /* the name stays the text shown (WCAG 2.5.3) */
  sw.lang = state.lang === 'en' ? 'ko' : 'en'; /* it speaks the other language */
  sw.hidden = false;
  renderPlatforms();
  renderUser();
  renderNotice();
}

function switchLang() {
  state.lang = state.lang === 'en' ? 'ko' : 'en';
  try {
    localStorage.setItem(LANG_KEY, state.lang);
  } catch {
    /* the choice lasts for this page only */
  }
  applyTexts();
}

/* ------------------------------------------------------------------ API -- */

/* One call to the gateway. Resolves to { ok, status, env } where env is the
 * envelope (or null when the answer was not one); never rejects. Every call
 * that changes something is sent as JSON: the gateway refuses any other type
 * there (a cross-site form cannot send JSON). */
async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (method !== 'GET') {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let res;
  try {
    res = await fetch(API + path, init);
  } catch {
    return { ok: false, status: 0, env: null };
  }
  let env = null;
  try {
    const json = await res.json();
    if (json && typeof json === 'object' && 'flag' in json) env = json;
  } catch {
    /* not JSON: env stays null */
  }
  return { ok: res.ok && env !== null && env.flag === true, status: res.status, env };
}

/* The words for a failed call: no answer, an ended session, or what the
 * action failed to do, with the reason the gateway gave as a code (its body's
 * `code`); the envelope's message is for developers and never shown. */
function failure(r, key, vars) {
  if (r.status === 0) return { key: 'errNetwork' };
  if (r.status === 401) return { key: 'errSession' };
  const body = r.env && r.env.body;
  const code = body && typeof body.code === 'string' && /^[a-z_]+$/.test(body.code) ? body.code : '';
  return { key, vars, code };
}

/* The words for a failure's code in the current language, or '' for a code this page does not know. */
function reason(code) {
  const key = `code_${code}`;
  return code && Object.hasOwn(TEXTS[state.lang], key) ? t(key) : '';
}

function isWebUrl(s) {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/* ---------------------------------------------------------------- views -- */

/* Shows one view. When one view replaces another the person was using,
 * focus moves to the new view's heading, so a keyboard or screen reader is
 * not left on a button that disappeared (WCAG 2.4.3); the first view after
 * loading leaves focus where the browser put it. */
function show(view) {
  for (const id of ['view-loading', 'view-signin', 'view-signedin']) $(id).hidden = id !== view;
  $('view-loading').setAttribute('aria-busy', String(view === 'view-loading'));
  const replaced = state.view !== view && state.view !== 'view-loading';
  state.view = view;
  if (replaced) $(view).querySelector('h1').focus();
}

/* A notice in words (an error or a confirmation) in the view on screen. */
function notify(notice, kind = 'error') {
  state.notice = notice ? { ...notice, kind } : null;
  renderNotice();
}

function renderNotice() {
  for (const id of ['signin-notice', 'signedin-notice']) {
    const box = $(id);
    const n = state.notice;
    box.hidden = !n;
    box.replaceChildren();
    if (!n) continue;
    box.className = `gw-notice gw-notice-${n.kind}`;
    const main = document.createElement('p');
    main.textContent = t(n.key, n.vars);
    box.append(main);
    const why = reason(n.code);
    if (why) {
      const detail = document.createElement('p');
      detail.className = 'gw-notice-detail';
      detail.textContent = why;
      box.append(detail);
    }
  }
}

function labelOf(name) {
  const p = state.platforms.find((x) => x.name === name);
  return p ? p.label : name;
}

function renderPlatforms() {
  const list = $('platforms');
  list.replaceChildren(
    ...state.platforms.map((p) => {
      const b = document.createElement('button');
      b.type = 'button';
      const kind = /^[a-z]+$/.test(p.kind) ? p.kind : 'oidc';
      b.className = `button gw-platform gw-kind-${kind}`;
      b.dataset.platform = p.name;
      const mark = document.createElement('span');
      mark.className = 'gw-platform-mark';
      mark.setAttribute('aria-hidden', 'true');
      mark.append(platformMark(kind)); /* marks.js */
      const text = document.createElement('span');
      text.textContent = t('continueWith', { label: p.label });
      b.append(mark, text);
      b.addEventListener('click', () => startLogin(p, b));
      return b;
    }),
  );
  $('no-platforms').hidden = state.platforms.length > 0;
}

function renderUser() {
  const u = state.user;
  if (!u) return;
  const name = u.name || t('noName');
  $('user-name').textContent = name;
  $('user-email').textContent = u.email || t('noEmail');
  $('user-platform').textContent = labelOf(u.platform);
  /* only platforms with a consent screen of their own can be asked again */
  $('reconsent').hidden = !state.platforms.find((p) => p.name === u.platform)?.reconsent;
  $('user-initial').textContent = name.slice(0, 1).toUpperCase();
  const pic = $('user-picture');
  const hasPicture = typeof u.profile === 'string' && isWebUrl(u.profile);
  if (hasPicture && pic.getAttribute('src') !== u.profile) pic.src = u.profile;
  pic.hidden = !hasPicture;
  $('user-initial').hidden = hasPicture;
}

function pictureFailed() {
  $('user-picture').hidden = true;
  $('user-initial').hidden = false;
}

/* -------------------------------------------------------------- actions -- */

async function loadPlatforms() {
  const r = await api('GET', '/platforms');
  state.platforms = r.ok && Array.isArray(r.env.body) ? r.env.body.filter((p) => p && typeof p.name === 'string') : [];
  for (const p of state.platforms) p.label = typeof p.label === 'string' && p.label ? p.label : p.name;
  return r;
}

function showSignIn(notice, kind) {
  state.user = null;
  notify(notice, kind);
  show('view-signin');
}

async function showSignedIn() {
  const r = await api('GET', '/userinfo');
  if (!r.ok || !r.env.body || typeof r.env.body !== 'object') {
    return showSignIn(failure(r, 'errGeneric'));
  }
  state.user = r.env.body;
  renderUser();
  show('view-signedin');
}

async function startLogin(p, button) {
  button.disabled = true;
  const r = await api('GET', `/login/${encodeURIComponent(p.name)}`);
  if (r.ok && typeof r.env.body === 'string' && isWebUrl(r.env.body)) {
    window.location.assign(r.env.body);
    return;
  }
  button.disabled = false;
  notify(failure(r, 'errLoginUrl', { label: p.label }));
}

/* The platform sent the browser back here: post its code, state and (RFC 9207) iss, or say what went wrong. */
async function finishLogin(params) {
  const platform = params.get('platform');
  const error = params.get('error');
  window.history.replaceState(null, '', '/'); /* the code is single-use: keep it out of history */
  if (error) return showSignIn({ key: PLATFORM_ERRORS[error] || 'errPlatform', vars: { label: labelOf(platform) } });
  const code = params.get('code');
  const st = params.get('state');
  if (!platform || !code || !st) return showSignIn({ key: 'errCallback' });
  $('view-loading').querySelector('[data-t]').dataset.t = 'signingIn';
  applyTexts();
  const iss = params.get('iss');
  const r = await api('POST', `/login/${encodeURIComponent(platform)}`, { code, state: st, ...(iss ? { iss } : {}) });
  if (!r.ok) return showSignIn(failure(r, 'errLogin'));
  notify(null);
  return showSignedIn();
}

async function reconsent() {
  notify(null);
  const r = await api('PUT', '/login/put');
  if (r.ok && typeof r.env.body === 'string' && isWebUrl(r.env.body)) {
    window.location.assign(r.env.body);
    return;
  }
  if (r.status === 401) return showSignIn({ key: 'errSession' });
  /* a 4xx flag:false is the platform's answer (no separate consent), not a fault */
  const refused = r.status >= 400 && r.status < 500;
  notify(failure(r, refused ? 'reconsentUnavailable' : 'errGeneric', { label: labelOf(state.user?.platform) }), refused ? 'info' : 'error');
}

async function logout() {
  const r = await api('POST', '/logout');
  if (!r.ok) return notify(failure(r, 'errLogout'));
  /* single sign-out: the platform ends its own session too, then sends the browser back here */
  if (typeof r.env.body === 'string' && isWebUrl(r.env.body)) {
    sessionStorage.setItem(SIGNED_OUT_KEY, '1'); /* for the page the platform sends back to */
    window.location.assign(r.env.body);
    return undefined;
  }
  return showSignIn({ key: 'signedOut' }, 'ok');
}

/* Opens or closes the unlink question; focus goes into it, and back to the
 * button that opened it when it closes. */
function confirmRevoke(open) {
  $('revoke-confirm').hidden = !open;
  $('revoke').hidden = open;
  $(open ? 'revoke-cancel' : 'revoke').focus();
}

async function revoke() {
  $('revoke-confirm').hidden = true;
  $('revoke').hidden = false;
  const r = await api('DELETE', '/revoke');
  if (!r.ok) return notify(failure(r, 'errRevoke'));
  return showSignIn({ key: 'revoked' }, 'ok');
}

function bind() {
  $('lang-switch').addEventListener('click', switchLang);
  $('reconsent').addEventListener('click', reconsent);
  $('logout').addEventListener('click', logout);
  $('revoke').addEventListener('click', () => confirmRevoke(true));
  $('revoke-cancel').addEventListener('click', () => confirmRevoke(false));
  $('revoke-yes').addEventListener('click', revoke);
  $('revoke-confirm').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') confirmRevoke(false);
  });
  $('user-picture').addEventListener('error', pictureFailed);
}

async function main() {
  document.documentElement.classList.remove('no-js');
  state.lang = initialLang();
  bind();
  applyTexts();
  const platforms = loadPlatforms();
  if (window.location.pathname === '/oauth2/callback') {
    const params = new URLSearchParams(window.location.search);
    await platforms;
    applyTexts();
    return finishLogin(params);
  }
  const [auto, list] = await Promise.all([api('POST', '/login/auto'), platforms]);
  applyTexts();
  if (auto.ok) return showSignedIn();
  const signedOut = sessionStorage.getItem(SIGNED_OUT_KEY) === '1'; /* back from the platform's sign-out */
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  if (signedOut) return showSignIn({ key: 'signedOut' }, 'ok');
  return showSignIn(list.status === 0 ? { key: 'errNetwork' } : null);
}

main();
