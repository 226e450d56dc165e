/**
 * Renders an OpenAPI 3.1 document to a static HTML reference: every operation grouped by tag
 * (method, path, security, parameters, request body, responses, examples) and every component
 * schema with its properties, cross-linked. Plain HTML and CSS: it works offline and runs no code.
 */
import { escapeHtml, renderInline, renderMarkdown, slug } from './markdown.js';

/** A JSON value of the document. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** One operation with where it lives. */
interface Operation {
  method: string;
  path: string;
  op: Obj;
  pathItem: Obj;
}

/** Renders a reference page for `doc`. */
export class OpenApiRenderer {
  private readonly doc: Obj;

  constructor(document: unknown) {
    if (!isObj(document) || typeof document.openapi !== 'string') throw new Error('Not an OpenAPI document');
    this.doc = document;
  }

  /** Follows a local `$ref` (`#/components/...`). */
  private resolve(v: Json | undefined): Json | undefined {
    let cur = v;
    for (let depth = 0; isObj(cur) && typeof cur.$ref === 'string' && depth < 20; depth++) {
      const ref = cur.$ref;
      if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported: ${ref}`);
      let target: Json | undefined = this.doc;
      for (const part of ref.slice(2).split('/')) {
        const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
        target = isObj(target) ? target[key] : undefined;
      }
      if (target === undefined) throw new Error(`Unresolved $ref ${ref}`);
      cur = target;
    }
    return cur;
  }

  private md(text: Json | undefined): string {
    return typeof text === 'string' ? renderMarkdown(text) : '';
  }

  private operations(): Operation[] {
    const out: Operation[] = [];
    const paths = isObj(this.doc.paths) ? this.doc.paths : {};
    for (const [path, item] of Object.entries(paths)) {
      if (!isObj(item)) continue;
      for (const method of METHODS) {
        const op = item[method];
        if (isObj(op)) out.push({ method, path, op, pathItem: item });
      }
    }
    return out;
  }

  /** A short description of a schema, with links to named schemas. */
  schemaType(schema: Json | undefined, depth = 0): string {
    if (!isObj(schema)) return schema === true || schema === undefined ? 'any' : 'never';
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.split('/').at(-1) as string;
      return `<a href="#schema-${escapeHtml(slug(name))}">${escapeHtml(name)}</a>`;
    }
    for (const k of ['allOf', 'oneOf', 'anyOf'] as const) {
      const list = schema[k];
      if (Array.isArray(list)) {
        const word = k === 'allOf' ? ' &amp; ' : ' | ';
        const inner = list.map((s) => this.schemaType(s, depth + 1)).join(word);
        const rest = { ...schema };
        delete rest[k];
        const own = Object.keys(rest).some((key) => ['type', 'properties', 'enum', 'pattern'].includes(key))
          ? `${word}${this.schemaType(rest, depth + 1)}`
          : '';
        return `${inner}${own}`;
      }
    }
    if (schema.const !== undefined) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
    if (Array.isArray(schema.enum)) {
      return `one of ${schema.enum.map((e) => `<code>${escapeHtml(JSON.stringify(e))}</code>`).join(', ')}`;
    }
    const type = Array.isArray(schema.type)
      ? schema.type.join(' | ')
      : (str(schema.type) ?? (schema.properties ? 'object' : 'any'));
    if (type === 'array') return `array of ${this.schemaType(schema.items, depth + 1)}`;
    const facets: string[] = [];
    if (typeof schema.format === 'string') facets.push(`format ${escapeHtml(schema.format)}`);
    if (typeof schema.contentMediaType === 'string') facets.push(escapeHtml(schema.contentMediaType));
    if (typeof schema.pattern === 'string') facets.push(`pattern <code>${escapeHtml(schema.pattern)}</code>`);
    for (const [k, label] of [
      ['minLength', 'min length'],
      ['maxLength', 'max length'],
      ['minimum', 'min'],
      ['maximum', 'max'],
      ['minItems', 'min items'],
      ['maxItems', 'max items'],
    ] as const) {
      if (typeof schema[k] === 'number') facets.push(`${label} ${schema[k]}`);
    }
    return `${escapeHtml(type)}${facets.length ? ` <span class="facets">(${facets.join(', ')})</span>` : ''}`;
  }

  /** A schema as a table of its properties (objects), or its type. */
  schemaBlock(schema: Json | undefined, depth = 0): string {
    const s = isObj(schema) ? schema : undefined;
    if (!s) return `<p>${this.schemaType(schema)}</p>`;
    const desc = depth > 0 ? '' : this.md(s.description);
    if (isObj(s.properties)) {
      const required = new Set(
        Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [],
      );
      const rows = Object.entries(s.properties).map(([name, prop]) => {
        const p = isObj(prop) ? prop : {};
        const nested =
          depth < 2 &&
          isObj(p) &&
          !p.$ref &&
          (isObj(p.properties) || (p.type === 'array' && isObj(p.items) && isObj(p.items.properties)))
            ? this.schemaBlock(isObj(p.properties) ? p : (p.items as Obj), depth + 1)
            : '';
        return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${this.schemaType(
          p,
        )}</td><td>${this.md(p.description)}${nested}</td></tr>`;
      });
      const extra =
        s.additionalProperties === false || s.unevaluatedProperties === false
          ? '<p class="facets">No other properties.</p>'
          : isObj(s.additionalProperties)
            ? `<p class="facets">Other properties: ${this.schemaType(s.additionalProperties)}</p>`
            : '';
      const composed = Array.isArray(s.allOf) ? `<p>All of: ${this.schemaType({ allOf: s.allOf })}</p>` : '';
      return `${desc}${composed}<table class="props"><thead><tr><th>property</th><th>type</th><th>description</th></tr></thead><tbody>${rows.join(
        '',
      )}</tbody></table>${extra}`;
    }
    return `${desc}<p>${this.schemaType(s)}</p>`;
  }

  private examples(media: Obj): string {
    const out: string[] = [];
    if (media.example !== undefined) out.push(this.exampleBlock('example', media.example));
    if (isObj(media.examples)) {
      for (const [name, ex] of Object.entries(media.examples)) {
        const e = this.resolve(ex);
        if (isObj(e) && e.value !== undefined) out.push(this.exampleBlock(name, e.value, str(e.summary)));
      }
    }
    return out.join('');
  }

  private exampleBlock(name: string, value: Json, summary?: string): string {
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    return `<details class="example"><summary>Example: ${escapeHtml(name)}${summary ? ` (${escapeHtml(summary)})` : ''}</summary><pre><code>${escapeHtml(
      text,
    )}</code></pre></details>`;
  }

  private content(content: Json | undefined): string {
    if (!isObj(content)) return '';
    return Object.entries(content)
      .map(([type, media]) => {
        const m = isObj(media) ? media : {};
        const schema = m.schema;
        // A named schema: link to it and show its properties here too.
        const expanded =
          isObj(schema) && typeof schema.$ref === 'string'
            ? `<p>Schema: ${this.schemaType(schema)}</p>${this.schemaBlock(this.resolve(schema), 1)}`
            : this.schemaBlock(schema);
        return `<div class="media"><p class="media-type"><code>${escapeHtml(type)}</code></p>${expanded}${this.examples(m)}</div>`;
      })
      .join('');
  }

  private operation(o: Operation): string {
    const { op } = o;
    const id = str(op.operationId) ?? slug(`${o.method} ${o.path}`);
    const params = [
      ...(Array.isArray(o.pathItem.parameters) ? o.pathItem.parameters : []),
      ...(Array.isArray(op.parameters) ? op.parameters : []),
    ]
      .map((p) => this.resolve(p))
      .filter(isObj);
    const security = Array.isArray(op.security)
      ? op.security
      : Array.isArray(this.doc.security)
        ? this.doc.security
        : [];
    const schemes = security.filter(isObj).flatMap((req) => Object.keys(req));
    const parts = [
      `<section class="operation" id="op-${escapeHtml(id)}">`,
      `<h3><span class="method ${o.method}">${o.method.toUpperCase()}</span> <code>${escapeHtml(o.path)}</code></h3>`,
      `<p class="summary">${escapeHtml(str(op.summary) ?? '')} <span class="opid">${escapeHtml(id)}</span></p>`,
      this.md(op.description),
      schemes.length
        ? `<p><strong>Authorization:</strong> ${schemes.map((s) => `<a href="#security-${escapeHtml(slug(s))}">${escapeHtml(s)}</a>`).join(' or ')}</p>`
        : '',
    ];
    if (params.length) {
      parts.push(
        `<h4>Parameters</h4><table class="props"><thead><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr></thead><tbody>${params
          .map(
            (p) =>
              `<tr><td><code>${escapeHtml(str(p.name) ?? '')}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${escapeHtml(
                str(p.in) ?? '',
              )}</td><td>${this.schemaType(p.schema)}</td><td>${this.md(p.description)}</td></tr>`,
          )
          .join('')}</tbody></table>`,
      );
    }
    const body = this.resolve(op.requestBody);
    if (isObj(body)) {
      parts.push(
        `<h4>Request body${body.required ? ' <span class="req">required</span>' : ''}</h4>`,
        this.md(body.description),
        this.content(body.content),
      );
    }
    if (isObj(op.responses)) {
      parts.push('<h4>Responses</h4>');
      for (const [status, response] of Object.entries(op.responses)) {
        const r = this.resolve(response);
        if (!isObj(r)) continue;
        const headers = isObj(r.headers)
          ? `<p class="facets">Headers: ${Object.keys(r.headers)
              .map((h) => `<code>${escapeHtml(h)}</code>`)
              .join(', ')}</p>`
          : '';
        parts.push(
          `<div class="response"><p><span class="status s${escapeHtml(status[0] ?? '')}">${escapeHtml(status)}</span> ${renderMarkdown(
            str(r.description) ?? '',
          ).replace(/^<p>|<\/p>$/g, '')}</p>${headers}${this.content(r.content)}</div>`,
        );
      }
    }
    parts.push('</section>');
    return parts.join('\n');
  }

  /** The reference as an HTML fragment, and its table of contents. */
  render(): { title: string; body: string; toc: string } {
    const info = isObj(this.doc.info) ? this.doc.info : {};
    const title = `${str(info.title) ?? 'API'} ${str(info.version) ?? ''}`.trim();
    const ops = this.operations();
    const tags: Array<{ name: string; description?: string }> = (
      Array.isArray(this.doc.tags) ? this.doc.tags : []
    )
      .filter(isObj)
      .map((t) => ({
        name: str(t.name) ?? '',
        ...(str(t.description) ? { description: str(t.description) as string } : {}),
      }));
    for (const o of ops) {
      for (const t of Array.isArray(o.op.tags) ? o.op.tags : ['other']) {
        if (typeof t === 'string' && !tags.some((x) => x.name === t)) tags.push({ name: t });
      }
    }
    const firstTag = (o: Operation): string =>
      Array.isArray(o.op.tags) && typeof o.op.tags[0] === 'string' ? o.op.tags[0] : 'other';
    const sections: string[] = [];
    const toc: string[] = ['<ul>'];
    for (const tag of tags) {
      const mine = ops.filter((o) => firstTag(o) === tag.name);
      if (mine.length === 0) continue;
      toc.push(
        `<li><a href="#tag-${escapeHtml(slug(tag.name))}">${escapeHtml(tag.name)}</a><ul>${mine
          .map(
            (o) =>
              `<li><a href="#op-${escapeHtml(str(o.op.operationId) ?? slug(`${o.method} ${o.path}`))}" title="${escapeHtml(`${o.method.toUpperCase()} ${o.path}`)}"><span class="method ${o.method}">${o.method.toUpperCase()}</span> ${escapeHtml(str(o.op.operationId) ?? o.path)}</a></li>`,
          )
          .join('')}</ul></li>`,
      );
      sections.push(
        `<h2 id="tag-${escapeHtml(slug(tag.name))}">${escapeHtml(tag.name)}</h2>${tag.description ? this.md(tag.description) : ''}${mine
          .map((o) => this.operation(o))
          .join('\n')}`,
      );
    }
    const components = isObj(this.doc.components) ? this.doc.components : {};
    const securitySchemes = isObj(components.securitySchemes) ? components.securitySchemes : {};
    if (Object.keys(securitySchemes).length) {
      toc.push('<li><a href="#security">Security schemes</a></li>');
      sections.push(
        `<h2 id="security">Security schemes</h2>${Object.entries(securitySchemes)
          .map(([name, s]) => {
            const scheme = isObj(s) ? s : {};
            return `<section class="schema" id="security-${escapeHtml(slug(name))}"><h3>${escapeHtml(name)}</h3><p>${escapeHtml(
              [str(scheme.type), str(scheme.scheme), str(scheme.bearerFormat)].filter(Boolean).join(', '),
            )}</p>${this.md(scheme.description)}</section>`;
          })
          .join('')}`,
      );
    }
    const schemas = isObj(components.schemas) ? components.schemas : {};
    if (Object.keys(schemas).length) {
      toc.push('<li><a href="#schemas">Schemas</a></li>');
      sections.push(
        `<h2 id="schemas">Schemas</h2>${Object.entries(schemas)
          .map(
            ([name, schema]) =>
              `<section class="schema" id="schema-${escapeHtml(slug(name))}"><h3>${escapeHtml(name)}</h3>${this.schemaBlock(schema)}</section>`,
          )
          .join('\n')}`,
      );
    }
    toc.push('</ul>');
    const servers = (Array.isArray(this.doc.servers) ? this.doc.servers : [])
      .filter(isObj)
      .map(
        (s) =>
          `<li><code>${escapeHtml(str(s.url) ?? '')}</code> ${renderInline(str(s.description) ?? '')}</li>`,
      );
    const intro = [
      `<h1>${escapeHtml(title)}</h1>`,
      str(info.summary) ? `<p class="lead">${escapeHtml(str(info.summary) as string)}</p>` : '',
      this.md(info.description),
      servers.length ? `<p><strong>Servers:</strong></p><ul>${servers.join('')}</ul>` : '',
    ].join('\n');
    return { title, body: `${intro}\n${sections.join('\n')}`, toc: toc.join('') };
  }
}
