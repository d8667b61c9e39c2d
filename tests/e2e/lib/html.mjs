// A tiny HTML form extractor for the end-to-end tests: finds <form> elements
// and their controls on the server's own, well-formed pages, and fills a form
// the way a browser submits it. Regular expressions are enough here; this is
// not a general HTML parser and is never pointed at pages we do not control.

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references a template engine produces. */
export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag's inner text, names lower-cased, values decoded. */
export function parseAttributes(text) {
  const attrs = {};
  const re = /([^\s"'<>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of text.matchAll(re)) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    attrs[m[1].toLowerCase()] = decodeEntities(value);
  }
  return attrs;
}

/**
 * Every <form> of a page: { method, action, attrs, inputs: [{name, type, value, checked}],
 * buttons: [{name, value}] }. Submit inputs and <button> elements (default type
 * submit) are buttons; everything else is an input.
 */
export function parseForms(html) {
  const forms = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi)) {
    const attrs = parseAttributes(m[1]);
    const form = {
      method: (attrs.method || 'get').toLowerCase(),
      action: attrs.action ?? '',
      attrs,
      inputs: [],
      buttons: [],
    };
    for (const c of m[2].matchAll(/<(input|button)\b([^>]*)>/gi)) {
      const a = parseAttributes(c[2]);
      const tag = c[1].toLowerCase();
      const type = (a.type || (tag === 'button' ? 'submit' : 'text')).toLowerCase();
      if (type === 'submit' || type === 'image') {
        form.buttons.push({ name: a.name ?? null, value: a.value ?? '' });
      } else if (type !== 'button' && type !== 'reset') {
        form.inputs.push({ name: a.name ?? null, type, value: a.value ?? '', checked: 'checked' in a });
      }
    }
    forms.push(form);
  }
  return forms;
}

/** The forms with method="post". */
export function postForms(html) {
  return parseForms(html).filter((f) => f.method === 'post');
}

/**
 * What a browser would submit for form: every named control with its current
 * value (checkboxes and radios only when checked), then `fill` overriding or
 * adding fields, then the clicked button's name=value when given.
 */
export function formData(form, fill = {}, button = null) {
  const data = new URLSearchParams();
  for (const i of form.inputs) {
    if (!i.name || i.type === 'file') continue;
    if ((i.type === 'checkbox' || i.type === 'radio') && !i.checked) continue;
    if (!(i.name in fill)) data.append(i.name, i.value);
  }
  for (const [k, v] of Object.entries(fill)) data.append(k, v);
  if (button && button.name) data.append(button.name, button.value);
  return data;
}

/** The value of the named input of form, or undefined. */
export function inputValue(form, name) {
  return form.inputs.find((i) => i.name === name)?.value;
}

/** The text a reader sees: scripts, styles and tags removed, whitespace folded. */
export function visibleText(html) {
  return decodeEntities(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}
