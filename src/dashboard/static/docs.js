// Renders /api/v1/openapi.json as a readable page: one collapsible entry per operation with its
// parameters, request body and responses, and a curl line to copy. No external resources.
const $ = (id) => document.getElementById(id);
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) k === 'class' ? (el.className = v) : el.setAttribute(k, v);
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== '') el.append(c instanceof Node ? c : String(c));
  return el;
}
const typeOf = (s = {}) =>
  s.enum ? s.enum.map((v) => JSON.stringify(v)).join(' | ') : Array.isArray(s.type) ? s.type.join(' | ') : s.type || (s.anyOf ? 'any of' : 'object');
const constraints = (s = {}) =>
  [
    s.minimum !== undefined && `≥ ${s.minimum}`,
    s.maximum !== undefined && `≤ ${s.maximum}`,
    s.maxLength !== undefined && `≤ ${s.maxLength} chars`,
    s.pattern && `pattern ${s.pattern}`,
    s.default !== undefined && `default ${JSON.stringify(s.default)}`,
  ]
    .filter(Boolean)
    .join(', ');

function curl(method, path, op) {
  const required = (op.parameters || []).filter((p) => p.in === 'query' && p.required).map((p) => `${p.name}=…`);
  const url = `${location.origin}${path}${required.length ? `?${required.join('&')}` : ''}`;
  return `curl${method === 'get' ? '' : ' -X POST'} -H "Authorization: Bearer $SENTINELOPS_TOKEN" "${url}"`;
}

function operation(method, path, op) {
  const params = op.parameters || [];
  const body = op.requestBody?.content?.['application/json']?.schema;
  return h(
    'details',
    { class: 'op', id: op.operationId },
    h(
      'summary',
      {},
      h('span', { class: `method ${method}` }, method.toUpperCase()),
      h('span', { class: 'path' }, path),
      h('span', { class: 'muted' }, op.summary || ''),
    ),
    h(
      'div',
      { class: 'body' },
      op.description ? h('p', { class: 'muted' }, op.description) : '',
      params.length
        ? h(
            'table',
            {},
            h('thead', {}, h('tr', {}, h('th', {}, 'Parameter'), h('th', {}, 'In'), h('th', {}, 'Type'), h('th', {}, 'Description'))),
            h(
              'tbody',
              {},
              params.map((p) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('code', {}, p.name), p.required ? h('span', { class: 'req' }, ' *') : ''),
                  h('td', {}, p.in),
                  h('td', {}, typeOf(p.schema), h('div', { class: 'muted' }, constraints(p.schema))),
                  h('td', {}, p.description || p.schema?.description || ''),
                ),
              ),
            ),
          )
        : '',
      body ? [h('b', {}, 'JSON body (optional, same fields)'), h('pre', {}, JSON.stringify(body, null, 2))] : '',
      h('b', {}, 'Responses'),
      h(
        'table',
        {},
        h(
          'tbody',
          {},
          Object.entries(op.responses || {}).map(([code, r]) => h('tr', {}, h('td', {}, h('code', {}, code)), h('td', {}, r.description || ''))),
        ),
      ),
      h('pre', {}, curl(method, path, op)),
    ),
  );
}

async function main() {
  const doc = await (await fetch('/api/v1/openapi.json')).json();
  $('api-version').textContent = `OpenAPI ${doc.openapi} · version ${doc.info.version}`;
  $('api-description').textContent = doc.info.description;
  const byTag = new Map((doc.tags || []).map((t) => [t.name, []]));
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) (byTag.get(op.tags?.[0]) ?? byTag.set(op.tags?.[0], []).get(op.tags?.[0])).push([method, path, op]);
  $('toc').replaceChildren(...[...byTag.keys()].map((t) => h('a', { href: `#tag-${t}` }, t)));
  $('operations').replaceChildren(
    ...[...byTag]
      .filter(([, ops]) => ops.length)
      .map(([tag, ops]) =>
        h(
          'section',
          { class: 'tag', id: `tag-${tag}` },
          h('h2', {}, tag),
          ops.map(([m, p, op]) => operation(m, p, op)),
        ),
      ),
  );
}
main().catch((err) => {
  $('operations').textContent = `could not load the OpenAPI document: ${err.message}`;
});
