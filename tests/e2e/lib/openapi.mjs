// A small checker of HTTP answers against an OpenAPI 3.1 document: the
// operation of a method and a concrete path, whether it documents the
// status, and the body against the JSON Schema of that answer's media type.
// JSON Schema is checked as far as the admin API's document uses it: $ref
// (local), type (one or a list), enum, const, required, properties,
// additionalProperties (false, or a schema), items, minItems/maxItems, minLength/
// maxLength, pattern, minimum/maximum. An unknown keyword is an error, so a
// document that outgrows the checker says so instead of passing.

const KNOWN = new Set([
  '$ref', 'type', 'enum', 'const', 'required', 'properties', 'additionalProperties', 'items',
  'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'description',
]);

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (Number.isInteger(v)) return 'integer';
  return typeof v;
}

/** Errors of value v against schema (root: the whole document, for $ref), as strings. */
export function validate(root, schema, v, at = '$') {
  const errors = [];
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) errors.push(`${at}: schema keyword ${k} is not checked by this checker`);
  if (schema.$ref) {
    const target = schema.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o?.[k], root);
    if (!target) return [`${at}: unresolved ${schema.$ref}`];
    return errors.concat(validate(root, target, v, at));
  }
  if (schema.type) {
    const types = [].concat(schema.type);
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) return [...errors, `${at}: ${t} is not ${types.join('|')}`];
  }
  if (schema.enum && !schema.enum.some((e) => e === v)) errors.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== v) errors.push(`${at}: is not ${JSON.stringify(schema.const)}`);
  if (typeof v === 'string') {
    if (schema.minLength !== undefined && [...v].length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && [...v].length > schema.maxLength) errors.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(v)) errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && v < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && v > schema.maximum) errors.push(`${at}: above ${schema.maximum}`);
  }
  if (Array.isArray(v)) {
    if (schema.minItems !== undefined && v.length < schema.minItems) errors.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && v.length > schema.maxItems) errors.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items) v.forEach((item, i) => errors.push(...validate(root, schema.items, item, `${at}[${i}]`)));
  }
  if (typeOf(v) === 'object') {
    for (const r of schema.required ?? []) if (!(r in v)) errors.push(`${at}: ${r} is required`);
    for (const [k, item] of Object.entries(v)) {
      const p = schema.properties?.[k];
      if (p) errors.push(...validate(root, p, item, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: ${k} is not in the schema`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...validate(root, schema.additionalProperties, item, `${at}.${k}`));
    }
  }
  return errors;
}

/** The path item and the template of doc matching a concrete path (under the server's url), or null. */
export function findPath(doc, path) {
  const base = doc.servers?.[0]?.url ?? '';
  if (!path.startsWith(base)) return null;
  const rest = path.slice(base.length).split('?')[0];
  const parts = rest.split('/');
  for (const [template, item] of Object.entries(doc.paths)) {
    const t = template.split('/');
    if (t.length === parts.length && t.every((s, i) => /^\{.+\}$/.test(s) ? parts[i] !== '' : s === parts[i])) return { template, item };
  }
  return null;
}

/**
 * Errors of one answer against doc: { method, path, status, contentType, body }
 * (body the text). Empty when the method and path are documented, the status
 * is among the operation's responses, and a body is of a documented media
 * type and valid against its schema (an answer without content: no body).
 */
export function checkAnswer(doc, { method, path, status, contentType, body }) {
  const where = `${method} ${path} → ${status}`;
  const found = findPath(doc, path);
  const op = found?.item[method.toLowerCase()];
  /* the document's own words: an unknown path is 404, a method a path does not take 405, as problem details */
  const problem = { description: 'problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  const r = !found ? (status === 404 ? problem : null) : !op ? (status === 405 ? problem : null) : op.responses[String(status)];
  if (!found && !r) return [`${where}: path not in the document, and not a 404`];
  if (!op && !r) return [`${where}: method not in the document for ${found.template}, and not a 405`];
  if (!r) return [`${where}: status not among ${Object.keys(op.responses).join(', ')}`];
  if (!r.content) return body ? [`${where}: a body where the document has none`] : [];
  const type = (contentType ?? '').split(';')[0].trim();
  const media = r.content[type];
  if (!media) return [`${where}: content type ${type} not among ${Object.keys(r.content).join(', ')}`];
  let value;
  try {
    value = JSON.parse(body);
  } catch {
    return [`${where}: the body is not JSON`];
  }
  return validate(doc, media.schema, value).map((e) => `${where}: ${e}`);
}
