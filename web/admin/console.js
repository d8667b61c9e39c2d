/* The admin console (docs/admin.md "Console"): a single-page app on the
 * admin API alone. It signs the operator in through this server as the
 * public client gatehouse-console (authorization code + PKCE S256, state,
 * nonce) and keeps the tokens in this script's memory only: a reload or an
 * expired token signs in again (the server's session makes that one
 * redirect). Only the PKCE verifier, state and nonce of a sign-in in flight,
 * the screen to come back to and the chosen language live in sessionStorage.
 * Screens are built with DOM calls (never innerHTML from data); errors are
 * the API's RFC 9457 problem details, the field named beside its input.
 * Every text exists in English and Korean (T below). */
'use strict';

(function () {
  const CLIENT_ID = 'gatehouse-console';
  const SCOPE = 'openid gatehouse:admin';
  const PAGE = 20;

  const T = {
    en: {
      skip: 'Skip to content', navClients: 'Clients', navMembers: 'Members', navKeys: 'Keys',
      navEvents: 'Events', logout: 'Sign out', langSwitch: '한국어', langName: 'Korean',
      signinTitle: 'Gatehouse console', signinLead: 'Administer clients, members, signing keys and audit events. You need the admin role.',
      signin: 'Sign in with Gatehouse', signingIn: 'Signing in…', loading: 'Loading…',
      deniedTitle: 'Access refused', denied: 'This account does not have the admin role. Ask an administrator to give it to you (gatehouse user update USERNAME --admin), or sign in with another account.',
      signinFailed: 'Sign-in failed: ', signinAgain: 'Sign in again', signedInAs: 'Signed in as ',
      expired: 'Your session ended; signing in again.',
      clientsTitle: 'Clients', newClient: 'New client', clientId: 'Client ID', clientName: 'Name',
      redirectUris: 'Redirect URIs (one per line)', postLogoutUris: 'Post-logout redirect URIs (one per line)',
      grantTypes: 'Grant types', scope: 'Scope', authMethod: 'Client authentication',
      methodNone: 'none (public client, PKCE)', created: 'Created', save: 'Save', create: 'Create',
      cancel: 'Cancel', back: 'Back', del: 'Delete', rotate: 'Rotate secret', edit: 'Edit',
      secretTitle: 'Client secret', secretOnce: 'Copy this secret now: it is shown only once and cannot be read again.',
      done: 'Done', saved: 'Saved.', deleted: 'Deleted.', confirmDelete: 'Delete {0}? This cannot be undone.',
      confirmRotate: 'Replace the secret of {0}? The old secret stops working at once.',
      nextPage: 'Next page', firstPage: 'First page', none: 'Nothing here yet.',
      membersTitle: 'Members', newMember: 'New member', search: 'Search (username, e-mail or name)',
      searchBtn: 'Search', username: 'Username', password: 'Password', email: 'E-mail',
      emailVerified: 'E-mail address verified', nickname: 'Nickname', name: 'Full name',
      adminRole: 'Admin role (may use this console)', status: 'Status', active: 'Active',
      disabled: 'Disabled', admin: 'Admin', disable: 'Disable', enable: 'Enable',
      setPassword: 'Set password', newPassword: 'New password', resetMfa: 'Reset second factors',
      confirmMfa: 'Remove the second factors of {0}? Their sessions end.', mfaReset: 'Second factors removed.',
      passwordSet: 'Password set; the member’s sessions ended.', sessions: 'Sessions', grants: 'Grants',
      session: 'Session', authTime: 'Signed in', expires: 'Expires', revoke: 'Revoke',
      revokeAll: 'Revoke all', client: 'Client', consentedAt: 'Consented', families: 'Refresh grants',
      revoked: 'Revoked.', memberSub: 'Member id',
      keysTitle: 'Signing keys', kid: 'Key id', alg: 'Algorithm', state: 'State',
      rotateKeys: 'Rotate keys', confirmKeys: 'Make new signing keys? They sign after 90 seconds.',
      rotatedKeys: 'New keys: {0}',
      eventsTitle: 'Audit events', time: 'Time', actor: 'Actor', action: 'Action', target: 'Target',
      ip: 'Address', details: 'Details', since: 'Since', until: 'Until', filter: 'Filter',
      error: 'Error', errorField: '{0}: {1}', network: 'The server cannot be reached.',
      yes: 'Yes', no: 'No', actions: 'Actions',
      navGroups: 'Groups', resources: 'Resources the client may ask tokens for (RFC 8707; one URI per line)',
      requirePar: 'Require pushed authorization requests (PAR, RFC 9126)',
      dpopBound: 'Require DPoP-bound tokens (RFC 9449)', securityProfile: 'Security profile',
      registeredBy: 'Registered by', byOperator: 'an operator', byDynamic: 'itself (RFC 7591)',
      applicationType: 'Application type', appUnsaid: 'not said', appWeb: 'web', appNative: 'native',
      contacts: 'Contacts (e-mail addresses, one per line)',
      profileNone: 'none', profileFapi2: 'FAPI 2.0 (PAR, PKCE, private_key_jwt with PS256, ES256 or EdDSA, and DPoP, all required)',
      requireMfa: 'Require a second factor of every member signing in', authentication: 'Authentication at the token endpoint',
      methodKeys: 'private_key_jwt (signed with the client’s keys)', jwks: 'Public keys, a JWKS in JSON ({"keys": […]}), for private_key_jwt',
      jwksUri: 'Or the address of the client’s JWKS (jwks_uri)', openidConnect: 'OpenID Connect',
      idTokenClaims: 'Claims also put into the id_token (names separated by spaces)', subjectType: 'Subject identifier (sub)',
      subjectPublic: 'public: the same for every client', subjectPairwise: 'pairwise: one per host of the redirect URIs',
      logoutTitle: 'Logout', backchannelUri: 'Back-channel logout URI (a logout token is posted to it)',
      backchannelSid: 'Back-channel logout needs the session id (sid)', frontchannelUri: 'Front-channel logout URI (loaded in a frame)',
      frontchannelSid: 'Front-channel logout gets iss and sid',
      links: 'Linked platforms', platform: 'Platform', platformSubject: 'Account at the platform', linkedAt: 'Linked',
      unlink: 'Unlink', unlinkNamed: 'Unlink {0}', confirmUnlink: 'Unlink {0} from this member?', unlinked: 'Unlinked.',
      groupsTitle: 'Groups', groupsLead: 'Every group some member is in (released as the groups claim by the groups scope). A member joins or leaves a group on their page.',
      group: 'Group', groupMembers: 'Members', addGroup: 'Add to group', add: 'Add', remove: 'Remove',
      removeGroup: 'Remove from group {0}', noGroups: 'In no group.',
      attributesTitle: 'Attributes', noAttributes: 'No attributes.', apply: 'Apply',
      newGroups: 'Groups (names separated by spaces)', newAttributes: 'Attributes (a JSON object, e.g. {"department": "Sales"})',
      attributesPatch: 'Change attributes: a JSON merge patch (RFC 7396; a member null removes that attribute, null alone removes all)',
    },
    ko: {
      skip: '본문으로 건너뛰기', navClients: '클라이언트', navMembers: '회원', navKeys: '키',
      navEvents: '이벤트', logout: '로그아웃', langSwitch: 'English', langName: '영어',
      signinTitle: 'Gatehouse 콘솔', signinLead: '클라이언트, 회원, 서명 키와 감사 이벤트를 관리합니다. 관리자 역할이 필요합니다.',
      signin: 'Gatehouse로 로그인', signingIn: '로그인하는 중…', loading: '불러오는 중…',
      deniedTitle: '접근이 거부되었습니다', denied: '이 계정에는 관리자 역할이 없습니다. 관리자에게 역할을 요청하거나(gatehouse user update 사용자명 --admin) 다른 계정으로 로그인하세요.',
      signinFailed: '로그인 실패: ', signinAgain: '다시 로그인', signedInAs: '로그인: ',
      expired: '세션이 끝나 다시 로그인합니다.',
      clientsTitle: '클라이언트', newClient: '새 클라이언트', clientId: '클라이언트 ID', clientName: '이름',
      redirectUris: '리디렉션 URI (한 줄에 하나)', postLogoutUris: '로그아웃 후 리디렉션 URI (한 줄에 하나)',
      grantTypes: '그랜트 유형', scope: '스코프', authMethod: '클라이언트 인증',
      methodNone: '없음 (공개 클라이언트, PKCE)', created: '생성', save: '저장', create: '만들기',
      cancel: '취소', back: '뒤로', del: '삭제', rotate: '시크릿 교체', edit: '편집',
      secretTitle: '클라이언트 시크릿', secretOnce: '지금 이 시크릿을 복사하세요. 한 번만 보이며 다시 읽을 수 없습니다.',
      done: '완료', saved: '저장했습니다.', deleted: '삭제했습니다.', confirmDelete: '{0}을(를) 삭제할까요? 되돌릴 수 없습니다.',
      confirmRotate: '{0}의 시크릿을 교체할까요? 이전 시크릿은 즉시 사용할 수 없게 됩니다.',
      nextPage: '다음 페이지', firstPage: '첫 페이지', none: '아직 아무것도 없습니다.',
      membersTitle: '회원', newMember: '새 회원', search: '검색 (사용자명, 이메일 또는 이름)',
      searchBtn: '검색', username: '사용자명', password: '비밀번호', email: '이메일',
      emailVerified: '이메일 주소 확인됨', nickname: '닉네임', name: '이름',
      adminRole: '관리자 역할 (이 콘솔 사용 가능)', status: '상태', active: '활성',
      disabled: '사용 중지됨', admin: '관리자', disable: '사용 중지', enable: '사용 재개',
      setPassword: '비밀번호 설정', newPassword: '새 비밀번호', resetMfa: '2단계 인증 초기화',
      confirmMfa: '{0}의 2단계 인증 수단을 삭제할까요? 세션이 종료됩니다.', mfaReset: '2단계 인증 수단을 삭제했습니다.',
      passwordSet: '비밀번호를 설정했고 회원의 세션을 종료했습니다.', sessions: '세션', grants: '권한 부여',
      session: '세션', authTime: '로그인 시각', expires: '만료', revoke: '철회',
      revokeAll: '모두 철회', client: '클라이언트', consentedAt: '동의 시각', families: '갱신 권한',
      revoked: '철회했습니다.', memberSub: '회원 ID',
      keysTitle: '서명 키', kid: '키 ID', alg: '알고리즘', state: '상태',
      rotateKeys: '키 교체', confirmKeys: '새 서명 키를 만들까요? 90초 후부터 서명합니다.',
      rotatedKeys: '새 키: {0}',
      eventsTitle: '감사 이벤트', time: '시각', actor: '행위자', action: '동작', target: '대상',
      ip: '주소', details: '세부 정보', since: '시작', until: '끝', filter: '필터',
      error: '오류', errorField: '{0}: {1}', network: '서버에 연결할 수 없습니다.',
      yes: '예', no: '아니요', actions: '작업',
      navGroups: '그룹', resources: '클라이언트가 토큰을 요청할 수 있는 리소스 (RFC 8707, 한 줄에 URI 하나)',
      requirePar: '푸시된 인가 요청(PAR, RFC 9126) 필수',
      dpopBound: 'DPoP로 묶인 토큰만 발급(RFC 9449)', securityProfile: '보안 프로필',
      registeredBy: '등록한 주체', byOperator: '운영자', byDynamic: '클라이언트 자신(RFC 7591)',
      applicationType: '애플리케이션 유형', appUnsaid: '지정 안 함', appWeb: '웹', appNative: '네이티브',
      contacts: '연락처(이메일 주소, 한 줄에 하나)',
      profileNone: '없음', profileFapi2: 'FAPI 2.0 (PAR, PKCE, PS256·ES256·EdDSA private_key_jwt, DPoP 모두 필수)',
      requireMfa: '로그인하는 모든 회원에게 2단계 인증 요구', authentication: '토큰 엔드포인트에서의 인증',
      methodKeys: 'private_key_jwt (클라이언트 키로 서명)', jwks: '공개 키, JSON 형식의 JWKS ({"keys": […]}), private_key_jwt용',
      jwksUri: '또는 클라이언트 JWKS의 주소 (jwks_uri)', openidConnect: 'OpenID Connect 설정',
      idTokenClaims: 'id_token에도 넣을 클레임 (이름을 공백으로 구분)', subjectType: '주체 식별자 (sub)',
      subjectPublic: 'public: 모든 클라이언트에 같은 값', subjectPairwise: 'pairwise: 리디렉션 URI의 호스트마다 다른 값',
      logoutTitle: '로그아웃', backchannelUri: '백채널 로그아웃 URI (로그아웃 토큰을 이 주소로 보냄)',
      backchannelSid: '백채널 로그아웃에 세션 ID(sid) 필요', frontchannelUri: '프런트채널 로그아웃 URI (프레임에서 열림)',
      frontchannelSid: '프런트채널 로그아웃에 iss와 sid 전달',
      links: '연결된 플랫폼', platform: '플랫폼', platformSubject: '플랫폼의 계정', linkedAt: '연결 시각',
      unlink: '연결 해제', unlinkNamed: '{0} 연결 해제', confirmUnlink: '이 회원의 {0} 연결을 해제할까요?', unlinked: '연결을 해제했습니다.',
      groupsTitle: '그룹', groupsLead: '회원이 한 명 이상 속한 모든 그룹입니다 (groups 스코프가 groups 클레임으로 제공). 회원의 그룹은 회원 페이지에서 추가하거나 제거합니다.',
      group: '그룹', groupMembers: '회원 수', addGroup: '그룹에 추가', add: '추가', remove: '제거',
      removeGroup: '{0} 그룹에서 제거', noGroups: '속한 그룹이 없습니다.',
      attributesTitle: '속성', noAttributes: '속성이 없습니다.', apply: '적용',
      newGroups: '그룹 (이름을 공백으로 구분)', newAttributes: '속성 (JSON 객체, 예: {"department": "Sales"})',
      attributesPatch: '속성 변경: JSON 병합 패치 (RFC 7396, 값이 null인 항목은 그 속성을 삭제, null만 쓰면 모두 삭제)',
    },
  };

  /* ---- state: tokens in memory only ---- */
  const auth = { access: null, id: null, expiresAt: 0, sub: null, name: null };
  let meta = null; /* the discovery document */
  let lang = (sessionStorage.getItem('gh-console-lang') || document.documentElement.lang || 'en').startsWith('ko') ? 'ko' : 'en';
  const main = document.getElementById('main');

  function t(key, ...args) {
    const s = T[lang][key] !== undefined ? T[lang][key] : key;
    return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
  }

  /* h('p', {class: 'x'}, 'text', child…): an element; attributes starting
   * with "on" become listeners, true/false toggle boolean attributes. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = true;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function announce(text) {
    const s = document.getElementById('status');
    s.textContent = '';
    setTimeout(() => { s.textContent = text; }, 50);
  }

  /* Replaces the screen and moves the focus to its heading. */
  function show(title, ...content) {
    const heading = h('h1', { class: 'title', tabindex: '-1', id: 'screen-title' }, title);
    main.replaceChildren(heading, ...content.flat(Infinity).filter((c) => c !== '' && c != null));
    document.title = title + ' · Gatehouse';
    heading.focus();
  }

  function fmtTime(secs) {
    if (!secs) return '–';
    return new Date(secs * 1000).toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB');
  }

  /* ---- texts on the static parts ---- */
  function applyTexts() {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
    document.getElementById('skip').textContent = t('skip');
    const sw = document.getElementById('lang-switch');
    sw.textContent = t('langSwitch');
    sw.setAttribute('lang', lang === 'ko' ? 'en' : 'ko');
    sw.setAttribute('aria-label', t('langSwitch'));
    const who = document.getElementById('who');
    who.textContent = auth.access ? t('signedInAs') + (auth.name || auth.sub) : '';
  }

  /* ---- signing in: authorization code + PKCE S256 ---- */
  function b64url(bytes) {
    let s = '';
    for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function random() {
    return b64url(crypto.getRandomValues(new Uint8Array(32)));
  }

  async function discovery() {
    if (!meta) {
      const r = await fetch('/.well-known/openid-configuration', { cache: 'no-store' });
      meta = await r.json();
    }
    return meta;
  }
  function home() {
    return meta.issuer.replace(/\/+$/, '') + '/admin/';
  }

  async function signIn() {
    await discovery();
    const verifier = random();
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const flight = { state: random(), nonce: random(), verifier, view: location.hash || '#clients' };
    sessionStorage.setItem('gh-console-flight', JSON.stringify(flight));
    const q = new URLSearchParams({
      response_type: 'code', client_id: CLIENT_ID, redirect_uri: home() + 'callback', scope: SCOPE,
      state: flight.state, nonce: flight.nonce, code_challenge: challenge,
      code_challenge_method: 'S256', ui_locales: lang,
    });
    location.assign(meta.authorization_endpoint + '?' + q);
  }

  function claimsOf(jwt) {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const text = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return JSON.parse(text);
  }

  /* The redirect back: checks state, redeems the code, checks the id_token's
   * nonce, audience and issuer (it came straight from the token endpoint
   * over this origin, so its signature is not checked again here). */
  async function callback(params) {
    const flight = JSON.parse(sessionStorage.getItem('gh-console-flight') || 'null');
    sessionStorage.removeItem('gh-console-flight');
    history.replaceState(null, '', '/admin/' + (flight ? flight.view : ''));
    if (!flight || params.get('state') !== flight.state) return failed('state');
    if (params.get('error') === 'access_denied') return deniedScreen();
    if (params.get('error')) return failed(params.get('error_description') || params.get('error'));
    await discovery();
    const body = new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: home() + 'callback',
      client_id: CLIENT_ID, code_verifier: flight.verifier,
    });
    const r = await fetch(meta.token_endpoint, { method: 'POST', body, cache: 'no-store' });
    const tok = await r.json().catch(() => ({}));
    if (!r.ok || !tok.access_token) return failed(tok.error_description || tok.error || r.status);
    const claims = claimsOf(tok.id_token);
    if (claims.nonce !== flight.nonce || claims.aud !== CLIENT_ID || claims.iss !== meta.issuer) return failed('id_token');
    if (!String(tok.scope || '').split(' ').includes('gatehouse:admin')) return deniedScreen();
    Object.assign(auth, {
      access: tok.access_token, id: tok.id_token, sub: claims.sub,
      expiresAt: Date.now() + (tok.expires_in - 30) * 1000,
    });
    return true;
  }

  function failed(why) {
    show(t('signinTitle'), h('p', { class: 'alert', role: 'alert' }, t('signinFailed') + why),
      h('button', { class: 'button button-primary', type: 'button', onclick: signIn }, t('signinAgain')));
    return false;
  }

  function deniedScreen() {
    show(t('deniedTitle'), h('p', { class: 'alert', role: 'alert', id: 'denied' }, t('denied')),
      h('div', { class: 'row' },
        h('button', { class: 'button button-primary', type: 'button', onclick: signIn }, t('signinAgain'))));
    return false;
  }

  function signInScreen() {
    show(t('signinTitle'), h('p', { class: 'lead' }, t('signinLead')),
      h('button', { class: 'button button-primary', type: 'button', id: 'signin', onclick: signIn }, t('signin')));
  }

  /* RP-initiated logout with id_token_hint; the tokens are forgotten first. */
  function logout() {
    const q = new URLSearchParams({ id_token_hint: auth.id, post_logout_redirect_uri: home(), state: random() });
    auth.access = auth.id = null;
    location.assign(meta.end_session_endpoint + '?' + q);
  }

  /* ---- the API ---- */
  class Problem extends Error {
    constructor(p) { super(p.detail || p.title || String(p.status)); this.problem = p; }
  }

  async function api(method, path, body) {
    if (!auth.access || Date.now() > auth.expiresAt) {
      announce(t('expired'));
      await signIn();
      throw new Problem({ detail: t('expired') });
    }
    const init = { method, cache: 'no-store', headers: { Authorization: 'Bearer ' + auth.access } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let r;
    try {
      r = await fetch('/admin/v1/' + path, init);
    } catch (e) {
      throw new Problem({ detail: t('network') });
    }
    if (r.status === 401) {
      auth.access = null;
      announce(t('expired'));
      await signIn();
      throw new Problem({ detail: t('expired') });
    }
    if (r.status === 204) return null;
    const data = await r.json().catch(() => ({ status: r.status, detail: r.statusText }));
    if (!r.ok) throw new Problem(data);
    return data;
  }

  /* Shows err: above the form, and beside the input its field names. */
  function showError(box, err, form) {
    const p = err.problem || { detail: String(err) };
    box.replaceChildren(p.detail || p.title);
    box.hidden = false;
    if (form) {
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      for (const el of form.querySelectorAll('.field-error')) el.remove();
      /* "attributes.department" names a member of the attributes input */
      const named = (n) => form.querySelector(`[name="${CSS.escape(n)}"]`);
      const input = p.field && (named(p.field) || named(p.field.split('.')[0]));
      if (input) {
        const id = 'err-' + p.field;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', id);
        input.closest('.field').append(h('p', { class: 'field-error', id }, p.detail));
        input.focus();
        return;
      }
    }
    box.focus();
  }

  function errorBox() {
    return h('div', { class: 'alert', role: 'alert', tabindex: '-1', hidden: true });
  }
  function notice(text) {
    return h('p', { class: 'notice', role: 'status' }, text);
  }

  /* A labelled input; kind: text, email, password, textarea, checkbox, select. */
  let fieldSeq = 0;
  function field(name, label, kind, value, extra) {
    const id = 'f-' + name + '-' + (++fieldSeq);
    if (kind === 'checkbox') {
      return h('div', { class: 'field check' },
        h('input', { type: 'checkbox', id, name, checked: !!value, ...extra }), h('label', { for: id }, label));
    }
    let input;
    if (kind === 'textarea') input = h('textarea', { id, name, rows: 3, ...extra }, value || '');
    else if (kind === 'select') {
      input = h('select', { id, name }, extra.options.map(([v, l]) => {
        const o = h('option', { value: v }, l);
        if (v === value) o.selected = true;
        return o;
      }));
    } else input = h('input', { type: kind, id, name, value: value == null ? '' : value, autocomplete: 'off', ...extra });
    return h('div', { class: 'field' }, h('label', { for: id }, label), input);
  }

  function table(caption, heads, rows) {
    if (!rows.length) return h('p', { class: 'hint' }, t('none'));
    return h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, heads.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
  }

  /* label: the visible words; name: a fuller accessible name when several
   * buttons share the words ("Remove" beside each group). */
  function button(label, onclick, cls, name) {
    const extra = cls === 'small' ? 'button-secondary small' : cls || 'button-secondary';
    return h('button', { type: 'button', class: 'button ' + extra, onclick, 'aria-label': name }, label);
  }

  /* Paging: the cursors of the pages seen, so "first page" and "next". */
  function pager(next, go) {
    const row = h('div', { class: 'row' });
    if (go.cursor) row.append(button(t('firstPage'), () => go(null)));
    if (next) row.append(button(t('nextPage'), () => go(next)));
    return row;
  }

  function lines(text) {
    return text.split(/\s+/).map((s) => s.trim()).filter(Boolean);
  }

  /* ---- clients ---- */
  async function clientsScreen(cursor) {
    const q = new URLSearchParams({ limit: PAGE });
    if (cursor) q.set('cursor', cursor);
    const page = await api('GET', 'clients?' + q);
    const go = (c) => clientsScreen(c).catch(screenError);
    go.cursor = cursor;
    show(t('clientsTitle'),
      h('div', { class: 'row' }, h('a', { class: 'button button-primary', href: '#clients/new' }, t('newClient'))),
      table(t('clientsTitle'), [t('clientId'), t('clientName'), t('grantTypes'), t('authMethod'), t('registeredBy')],
        page.items.map((c) => [h('a', { href: '#clients/' + encodeURIComponent(c.client_id) }, c.client_id),
          c.client_name || '–', c.grant_types.join(' '), c.token_endpoint_auth_method,
          t(c.registered_by === 'dynamic' ? 'byDynamic' : 'byOperator')])),
      pager(page.next_cursor, go));
  }

  const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:token-exchange'];
  const METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
  /* The members a client answer leaves out when off or empty (compared so). */
  const CLIENT_DEFAULTS = {
    require_mfa: false, require_pushed_authorization_requests: false, backchannel_logout_session_required: false,
    frontchannel_logout_session_required: false, resources: [], id_token_claims: [], subject_type: 'public',
    dpop_bound_access_tokens: false, security_profile: 'none', application_type: null, contacts: [],
  };

  /* A JSON text area's value: the object it holds, null when empty, else the
   * text itself, so that the API refuses it naming the field (one check). */
  function jsonValue(text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch (e) { return text; }
  }
  function jsonText(value) {
    return value && Object.keys(value).length ? JSON.stringify(value, null, 2) : '';
  }

  function fieldset(legend, ...fields) {
    return h('fieldset', { class: 'field' }, h('legend', {}, legend), fields);
  }

  /* Every writable member of web/admin/openapi.json's ClientInput but
   * client_secret (generated, shown once, rotated). */
  function clientForm(c, isNew) {
    const form = h('form', { class: 'form', novalidate: true });
    if (isNew) form.append(field('client_id', t('clientId'), 'text', '', { required: true }));
    form.append(
      field('client_name', t('clientName'), 'text', c.client_name),
      field('application_type', t('applicationType'), 'select', c.application_type || '',
        { options: [['', t('appUnsaid')], ['web', t('appWeb')], ['native', t('appNative')]] }),
      field('contacts', t('contacts'), 'textarea', (c.contacts || []).join('\n')),
      field('redirect_uris', t('redirectUris'), 'textarea', (c.redirect_uris || []).join('\n')),
      field('post_logout_redirect_uris', t('postLogoutUris'), 'textarea', (c.post_logout_redirect_uris || []).join('\n')),
      fieldset(t('grantTypes'), h('input', { type: 'hidden', name: 'grant_types' }),
        GRANTS.map((g) => field('grant:' + g, g, 'checkbox', (c.grant_types || ['authorization_code', 'refresh_token']).includes(g)))),
      field('scope', t('scope'), 'text', c.scope || 'openid profile email'),
      field('resources', t('resources'), 'textarea', (c.resources || []).join('\n')),
      field('require_pushed_authorization_requests', t('requirePar'), 'checkbox', c.require_pushed_authorization_requests),
      field('require_mfa', t('requireMfa'), 'checkbox', c.require_mfa),
      field('dpop_bound_access_tokens', t('dpopBound'), 'checkbox', c.dpop_bound_access_tokens),
      field('security_profile', t('securityProfile'), 'select', c.security_profile || 'none',
        { options: [['none', t('profileNone')], ['fapi2', t('profileFapi2')]] }),
      fieldset(t('authentication'),
        field('token_endpoint_auth_method', t('authMethod'), 'select', c.token_endpoint_auth_method || 'client_secret_basic',
          { options: METHODS.map((m) => [m, m === 'none' ? t('methodNone') : m === 'private_key_jwt' ? t('methodKeys') : m]) }),
        field('jwks', t('jwks'), 'textarea', jsonText(c.jwks), { rows: 6, spellcheck: 'false', class: 'code' }),
        field('jwks_uri', t('jwksUri'), 'url', c.jwks_uri)),
      fieldset(t('openidConnect'),
        field('id_token_claims', t('idTokenClaims'), 'text', (c.id_token_claims || []).join(' ')),
        field('subject_type', t('subjectType'), 'select', c.subject_type || 'public',
          { options: [['public', t('subjectPublic')], ['pairwise', t('subjectPairwise')]] })),
      fieldset(t('logoutTitle'),
        field('backchannel_logout_uri', t('backchannelUri'), 'url', c.backchannel_logout_uri),
        field('backchannel_logout_session_required', t('backchannelSid'), 'checkbox', c.backchannel_logout_session_required),
        field('frontchannel_logout_uri', t('frontchannelUri'), 'url', c.frontchannel_logout_uri),
        field('frontchannel_logout_session_required', t('frontchannelSid'), 'checkbox', c.frontchannel_logout_session_required)));
    return form;
  }

  /* The form as RFC 7591 members; on an edit only those that changed (a
   * merge patch: null removes a member or resets it to its default). */
  function clientBody(form, before) {
    const v = (n) => form.elements[n] && form.elements[n].value.trim();
    const on = (n) => form.elements[n].checked;
    const body = {
      client_name: v('client_name') || null,
      application_type: v('application_type') || null,
      contacts: lines(v('contacts')),
      redirect_uris: lines(v('redirect_uris')),
      post_logout_redirect_uris: lines(v('post_logout_redirect_uris')),
      grant_types: GRANTS.filter((g) => form.elements['grant:' + g].checked),
      scope: v('scope'),
      resources: lines(v('resources')),
      require_pushed_authorization_requests: on('require_pushed_authorization_requests'),
      require_mfa: on('require_mfa'),
      dpop_bound_access_tokens: on('dpop_bound_access_tokens'),
      security_profile: v('security_profile'),
      token_endpoint_auth_method: v('token_endpoint_auth_method'),
      jwks: jsonValue(v('jwks')),
      jwks_uri: v('jwks_uri') || null,
      id_token_claims: lines(v('id_token_claims')),
      subject_type: v('subject_type'),
      backchannel_logout_uri: v('backchannel_logout_uri') || null,
      backchannel_logout_session_required: on('backchannel_logout_session_required'),
      frontchannel_logout_uri: v('frontchannel_logout_uri') || null,
      frontchannel_logout_session_required: on('frontchannel_logout_session_required'),
    };
    if (!before) {
      body.client_id = v('client_id');
      for (const k of Object.keys(body)) {
        if (body[k] === null || JSON.stringify(body[k]) === JSON.stringify(CLIENT_DEFAULTS[k])) delete body[k];
      }
      return body;
    }
    for (const k of Object.keys(body)) {
      const was = before[k] !== undefined ? before[k] : CLIENT_DEFAULTS[k] !== undefined ? CLIENT_DEFAULTS[k] : null;
      if (JSON.stringify(was) === JSON.stringify(body[k])) delete body[k];
    }
    return body;
  }

  function secretScreen(c, title) {
    show(title, h('p', { class: 'alert', role: 'alert' }, t('secretOnce')),
      h('dl', { class: 'facts' }, h('dt', {}, t('clientId')), h('dd', {}, c.client_id),
        h('dt', {}, t('secretTitle')), h('dd', {}, h('code', { id: 'client-secret' }, c.client_secret))),
      h('div', { class: 'row' }, h('a', { class: 'button button-primary', href: '#clients/' + encodeURIComponent(c.client_id), id: 'secret-done' }, t('done'))));
  }

  function newClientScreen() {
    const form = clientForm({}, true);
    const box = errorBox();
    form.append(h('div', { class: 'row' }, h('button', { class: 'button button-primary', type: 'submit' }, t('create')),
      h('a', { class: 'button button-secondary', href: '#clients' }, t('cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const c = await api('POST', 'clients', clientBody(form, null));
        if (c.client_secret) secretScreen(c, t('secretTitle'));
        else location.hash = '#clients/' + encodeURIComponent(c.client_id);
      } catch (err) { showError(box, err, form); }
    });
    show(t('newClient'), box, form);
  }

  async function clientScreen(id, message) {
    const c = await api('GET', 'clients/' + encodeURIComponent(id));
    const form = clientForm(c, false);
    const box = errorBox();
    form.append(h('div', { class: 'row' }, h('button', { class: 'button button-primary', type: 'submit' }, t('save')),
      h('a', { class: 'button button-secondary', href: '#clients' }, t('back'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const body = clientBody(form, c);
        const out = await api('PATCH', 'clients/' + encodeURIComponent(id), body);
        if (out.client_secret) secretScreen(out, t('secretTitle'));
        else await clientScreen(id, t('saved'));
      } catch (err) { showError(box, err, form); }
    });
    const actions = h('div', { class: 'row danger-zone' });
    if (c.token_endpoint_auth_method !== 'none') {
      actions.append(button(t('rotate'), async () => {
        if (!confirm(t('confirmRotate', id))) return;
        try { secretScreen(await api('POST', 'clients/' + encodeURIComponent(id) + '/secret'), t('secretTitle')); } catch (err) { showError(box, err); }
      }));
    }
    actions.append(button(t('del'), async () => {
      if (!confirm(t('confirmDelete', id))) return;
      try { await api('DELETE', 'clients/' + encodeURIComponent(id)); announce(t('deleted')); location.hash = '#clients'; } catch (err) { showError(box, err); }
    }, 'button-danger'));
    show(c.client_id, message ? notice(message) : '', box,
      h('p', { class: 'hint' }, t('created') + ': ' + fmtTime(c.client_id_issued_at)), form, actions);
  }

  /* ---- members ---- */
  async function membersScreen(cursor, query) {
    const q = new URLSearchParams({ limit: PAGE });
    if (cursor) q.set('cursor', cursor);
    if (query) q.set('q', query);
    const page = await api('GET', 'users?' + q);
    const go = (c) => membersScreen(c, query).catch(screenError);
    go.cursor = cursor;
    const search = h('form', { class: 'row search', role: 'search' },
      field('q', t('search'), 'search', query || ''),
      h('button', { class: 'button button-secondary', type: 'submit' }, t('searchBtn')));
    search.addEventListener('submit', (e) => {
      e.preventDefault();
      membersScreen(null, search.elements.q.value.trim()).catch(screenError);
    });
    show(t('membersTitle'),
      h('div', { class: 'row' }, h('a', { class: 'button button-primary', href: '#members/new' }, t('newMember'))),
      search,
      table(t('membersTitle'), [t('username'), t('email'), t('name'), t('status'), t('admin')],
        page.items.map((u) => [h('a', { href: '#members/' + u.sub }, u.username), u.email || '–', u.name || '–',
          u.disabled ? t('disabled') : t('active'), u.admin ? t('yes') : t('no')])),
      pager(page.next_cursor, go));
  }

  function memberFields(u, isNew) {
    return [
      field('username', t('username'), 'text', u.username, { required: true }),
      isNew ? field('password', t('password'), 'password', '', { required: true, autocomplete: 'new-password' }) : '',
      field('email', t('email'), 'email', u.email),
      field('email_verified', t('emailVerified'), 'checkbox', u.email_verified),
      field('nickname', t('nickname'), 'text', u.nickname),
      field('name', t('name'), 'text', u.name),
      field('admin', t('adminRole'), 'checkbox', u.admin),
      /* on an existing member these have sections of their own (memberGroups, memberAttributes) */
      isNew ? field('groups', t('newGroups'), 'text', '') : '',
      isNew ? field('attributes', t('newAttributes'), 'textarea', '', { rows: 3, spellcheck: 'false', class: 'code' }) : '',
    ];
  }

  function memberBody(form, before) {
    const v = (n) => form.elements[n].value.trim() || null;
    const body = {
      username: v('username'), email: v('email'), email_verified: form.elements.email_verified.checked,
      nickname: v('nickname'), name: v('name'), admin: form.elements.admin.checked,
    };
    if (!before) {
      body.password = form.elements.password.value;
      const groups = lines(form.elements.groups.value);
      if (groups.length) body.groups = groups;
      body.attributes = jsonValue(form.elements.attributes.value.trim());
      for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
      return body;
    }
    for (const k of Object.keys(body)) {
      const was = before[k] === undefined ? null : before[k];
      if (was === body[k]) delete body[k];
    }
    return body;
  }

  function newMemberScreen() {
    const form = h('form', { class: 'form', novalidate: true }, memberFields({}, true));
    const box = errorBox();
    form.append(h('div', { class: 'row' }, h('button', { class: 'button button-primary', type: 'submit' }, t('create')),
      h('a', { class: 'button button-secondary', href: '#members' }, t('cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const u = await api('POST', 'users', memberBody(form, null));
        form.elements.password.value = '';
        location.hash = '#members/' + u.sub;
      } catch (err) { showError(box, err, form); }
    });
    show(t('newMember'), box, form);
  }

  async function memberScreen(sub, message) {
    const path = 'users/' + encodeURIComponent(sub);
    const [u, sessions, grants, links] = await Promise.all([api('GET', path), api('GET', path + '/sessions'),
      api('GET', path + '/grants'), api('GET', path + '/links')]);
    const again = (m) => memberScreen(sub, m).catch(screenError);
    const box = errorBox();
    const act = (fn, done) => async () => {
      try { await fn(); await again(done); } catch (err) { showError(box, err); }
    };
    const form = h('form', { class: 'form', novalidate: true }, memberFields(u, false),
      h('div', { class: 'row' }, h('button', { class: 'button button-primary', type: 'submit' }, t('save')),
        h('a', { class: 'button button-secondary', href: '#members' }, t('back'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try { await api('PATCH', path, memberBody(form, u)); await again(t('saved')); } catch (err) { showError(box, err, form); }
    });
    const pw = h('form', { class: 'form inline-form', novalidate: true },
      field('password', t('newPassword'), 'password', '', { autocomplete: 'new-password' }),
      h('button', { class: 'button button-secondary', type: 'submit' }, t('setPassword')));
    pw.addEventListener('submit', async (e) => {
      e.preventDefault();
      try { await api('POST', path + '/password', { password: pw.elements.password.value }); await again(t('passwordSet')); } catch (err) { showError(box, err, pw); }
    });
    const items = sessions.items || sessions;
    const grantItems = grants.items || grants;
    show(u.username, message ? notice(message) : '', box,
      h('p', { class: 'hint' }, t('memberSub') + ': ', h('code', {}, u.sub), ' · ', t('status') + ': ',
        h('strong', { id: 'member-status' }, u.disabled ? t('disabled') : t('active'))),
      form,
      h('div', { class: 'row' },
        u.disabled ? button(t('enable'), act(() => api('POST', path + '/enable'), t('saved')))
          : button(t('disable'), act(() => api('POST', path + '/disable'), t('saved'))),
        button(t('resetMfa'), async () => { if (confirm(t('confirmMfa', u.username))) await act(() => api('DELETE', path + '/mfa'), t('mfaReset'))(); }),
        button(t('del'), async () => {
          if (!confirm(t('confirmDelete', u.username))) return;
          try { await api('DELETE', path); announce(t('deleted')); location.hash = '#members'; } catch (err) { showError(box, err); }
        }, 'button-danger')),
      pw,
      h('h2', { class: 'subtitle' }, t('sessions')),
      table(t('sessions'), [t('session'), t('authTime'), t('expires'), t('actions')],
        items.map((s) => [h('code', {}, s.id.slice(0, 12) + '…'), fmtTime(s.auth_time), fmtTime(s.expires_at),
          button(t('revoke'), act(() => api('DELETE', path + '/sessions/' + encodeURIComponent(s.id)), t('revoked')))])),
      items.length ? h('div', { class: 'row' }, button(t('revokeAll'), act(() => api('DELETE', path + '/sessions'), t('revoked')))) : '',
      h('h2', { class: 'subtitle' }, t('grants')),
      table(t('grants'), [t('client'), t('scope'), t('consentedAt'), t('families'), t('actions')],
        grantItems.map((g) => [g.client_id, g.scope || '–', fmtTime(g.consented_at), String(g.refresh_families ?? g.families ?? 0),
          button(t('revoke'), act(() => api('DELETE', path + '/grants/' + encodeURIComponent(g.client_id)), t('revoked')))])),
      grantItems.length ? h('div', { class: 'row' }, button(t('revokeAll'), act(() => api('DELETE', path + '/grants'), t('revoked')))) : '',
      memberGroups(u, path, again, box),
      memberAttributes(u, path, again),
      h('h2', { class: 'subtitle' }, t('links')),
      table(t('links'), [t('platform'), t('platformSubject'), t('email'), t('linkedAt'), t('actions')],
        links.items.map((l) => [l.platform, h('code', {}, l.subject), l.email || '–', fmtTime(l.linked_at),
          button(t('unlink'), async () => {
            if (confirm(t('confirmUnlink', l.platform))) await act(() => api('DELETE', path + '/links/' + encodeURIComponent(l.platform)), t('unlinked'))();
          }, 'button-danger', t('unlinkNamed', l.platform))])));
  }

  /* The member's groups (the groups claim): each with a remove button, and
   * a form to add one; both PATCH the whole list, as the API takes it. */
  function memberGroups(u, path, again, box) {
    const setGroups = async (list, form, done) => {
      try { await api('PATCH', path, { groups: list.length ? list : null }); await again(done); } catch (err) { showError(box, err, form); }
    };
    const add = h('form', { class: 'form inline-form', novalidate: true, id: 'group-add' },
      field('groups', t('addGroup'), 'text', '', { list: 'known-groups' }),
      h('datalist', { id: 'known-groups' }),
      h('button', { class: 'button button-secondary', type: 'submit' }, t('add')));
    add.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = add.elements.groups.value.trim();
      if (name && !u.groups.includes(name)) setGroups([...u.groups, name], add, t('saved'));
    });
    /* the groups other members are in, offered as suggestions */
    api('GET', 'groups').then((g) => add.querySelector('datalist').replaceChildren(
      ...g.items.map((x) => h('option', { value: x.name })))).catch(() => {});
    return [
      h('h2', { class: 'subtitle' }, t('groupsTitle')),
      u.groups.length ? h('ul', { class: 'chips', id: 'member-groups' }, u.groups.map((g) => h('li', {}, h('span', {}, g),
        button(t('remove'), () => setGroups(u.groups.filter((x) => x !== g), null, t('saved')), 'small', t('removeGroup', g)))))
        : h('p', { class: 'hint' }, t('noGroups')),
      add,
    ];
  }

  /* The member's attributes (docs/claims.md) as JSON, and an RFC 7396 merge
   * patch to apply: a member null removes that attribute. */
  function memberAttributes(u, path, again) {
    const box = errorBox();
    const form = h('form', { class: 'form', novalidate: true, id: 'attributes-form' },
      field('attributes', t('attributesPatch'), 'textarea', '', { rows: 4, spellcheck: 'false', class: 'code', placeholder: '{"department": "Sales", "level": null}' }),
      h('div', { class: 'row' }, h('button', { class: 'button button-secondary', type: 'submit' }, t('apply'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const text = form.elements.attributes.value.trim();
        if (!text) return; /* nothing to change; "null" removes them all */
        await api('PATCH', path, { attributes: jsonValue(text) });
        await again(t('saved'));
      } catch (err) { showError(box, err, form); }
    });
    const has = Object.keys(u.attributes || {}).length > 0;
    return [
      h('h2', { class: 'subtitle' }, t('attributesTitle')),
      has ? h('pre', { class: 'code', id: 'member-attributes', tabindex: '0', 'aria-label': t('attributesTitle') }, JSON.stringify(u.attributes, null, 2))
        : h('p', { class: 'hint', id: 'member-attributes' }, t('noAttributes')),
      box, form,
    ];
  }

  /* ---- groups ---- */
  async function groupsScreen() {
    const groups = await api('GET', 'groups');
    show(t('groupsTitle'), h('p', { class: 'hint' }, t('groupsLead')),
      table(t('groupsTitle'), [t('group'), t('groupMembers')], groups.items.map((g) => [g.name, String(g.members)])));
  }

  /* ---- keys ---- */
  async function keysScreen(message) {
    const keys = await api('GET', 'keys');
    const list = keys.items || keys.keys || keys;
    const box = errorBox();
    show(t('keysTitle'), message ? notice(message) : '', box,
      h('div', { class: 'row' }, button(t('rotateKeys'), async () => {
        if (!confirm(t('confirmKeys'))) return;
        try { const r = await api('POST', 'keys/rotate', {}); await keysScreen(t('rotatedKeys', r.kids.join(', '))); } catch (err) { showError(box, err); }
      }, 'button-primary')),
      table(t('keysTitle'), [t('kid'), t('alg'), t('state'), t('created')],
        list.map((k) => [h('code', {}, k.kid), k.alg, k.state, fmtTime(k.created_at)])));
  }

  /* ---- events ---- */
  function unix(v) {
    return v ? String(Math.floor(new Date(v).getTime() / 1000)) : '';
  }

  async function eventsScreen(filters, cursor) {
    const q = new URLSearchParams({ limit: PAGE });
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    if (cursor) q.set('cursor', cursor);
    const box = errorBox();
    const form = h('form', { class: 'filters', novalidate: true },
      field('action', t('action'), 'text', filters.action),
      field('actor', t('actor'), 'text', filters.actor),
      field('target', t('target'), 'text', filters.target),
      field('since', t('since'), 'datetime-local', filters.sinceText),
      field('until', t('until'), 'datetime-local', filters.untilText),
      h('div', { class: 'row' }, h('button', { class: 'button button-secondary', type: 'submit' }, t('filter'))));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const f = form.elements;
      eventsScreen({
        action: f.action.value.trim(), actor: f.actor.value.trim(), target: f.target.value.trim(),
        since: unix(f.since.value), until: unix(f.until.value), sinceText: f.since.value, untilText: f.until.value,
      }).catch((err) => showError(box, err, form));
    });
    let page;
    try {
      const api_q = new URLSearchParams(q);
      api_q.delete('sinceText');
      api_q.delete('untilText');
      page = await api('GET', 'events?' + api_q);
    } catch (err) {
      show(t('eventsTitle'), box, form);
      showError(box, err, form);
      return;
    }
    const go = (c) => eventsScreen(filters, c).catch(screenError);
    go.cursor = cursor;
    show(t('eventsTitle'), box, form,
      table(t('eventsTitle'), [t('time'), t('actor'), t('action'), t('target'), t('ip'), t('details')],
        page.items.map((e) => [fmtTime(e.time), e.actor || '–', e.action, e.target || '–', e.ip || '–',
          e.details && Object.keys(e.details).length ? h('code', {}, JSON.stringify(e.details)) : '–'])),
      pager(page.next_cursor, go));
  }

  /* ---- routing by the location's hash ---- */
  function screenError(err) {
    if (!auth.access) return; /* signing in again */
    const box = errorBox();
    show(t('error'), box);
    showError(box, err);
  }

  async function route() {
    if (!auth.access) return signInScreen();
    const [name, arg] = (location.hash.slice(1) || 'clients').split('/').map(decodeURIComponent);
    for (const a of document.querySelectorAll('#nav a')) {
      if (a.getAttribute('href') === '#' + name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    try {
      if (name === 'clients' && arg === 'new') newClientScreen();
      else if (name === 'clients' && arg) await clientScreen(arg);
      else if (name === 'members' && arg === 'new') newMemberScreen();
      else if (name === 'members' && arg) await memberScreen(arg);
      else if (name === 'members') await membersScreen(null, '');
      else if (name === 'groups') await groupsScreen();
      else if (name === 'keys') await keysScreen();
      else if (name === 'events') await eventsScreen({});
      else await clientsScreen(null);
    } catch (err) { screenError(err); }
  }

  function signedInChrome() {
    document.getElementById('nav').hidden = !auth.access;
    document.getElementById('logout').hidden = !auth.access;
    applyTexts();
  }

  async function start() {
    applyTexts();
    document.getElementById('lang-switch').addEventListener('click', () => {
      lang = lang === 'ko' ? 'en' : 'ko';
      sessionStorage.setItem('gh-console-lang', lang);
      applyTexts();
      route();
    });
    document.getElementById('logout').addEventListener('click', logout);
    window.addEventListener('hashchange', route);
    main.replaceChildren(h('p', { class: 'lead' }, t('loading')));
    const params = new URLSearchParams(location.search);
    if (location.pathname.endsWith('/callback')) {
      try {
        if (!(await callback(params))) return;
      } catch (err) {
        failed(String(err.message || err));
        return;
      }
      try {
        const me = await api('GET', 'users/' + encodeURIComponent(auth.sub));
        auth.name = me.username;
      } catch (err) { /* the name is a courtesy; the screens will show the error */ }
    }
    signedInChrome();
    await route();
  }

  start();
})();
