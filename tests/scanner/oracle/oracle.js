// node oracle.js MAP: the function ranges and names of a source map's scanned sources (the
// languages js_scanner.cpp scans), found by the TypeScript compiler's parser, named by the scheme
// of SPEC.md 6.10.1, one JSON line a source as scanner_dump prints them, plus `errors` (the
// parser's diagnostics count) and `types` (ranges of function type nodes, which the scanner may
// report although no runtime position falls in them).
const ts = require('typescript');
const fs = require('fs');
const map = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const only = new Set((process.argv[3] || '').split(',').filter(Boolean).map(Number));
const K = ts.SyntaxKind;
const kinds = new Set([K.FunctionDeclaration, K.FunctionExpression, K.ArrowFunction, K.MethodDeclaration,
  K.Constructor, K.GetAccessor, K.SetAccessor]);
for (let i = 0; i < map.sources.length; i++) {
  if (only.size && !only.has(i)) continue;
  const text = (map.sourcesContent || [])[i];
  if (typeof text !== 'string') continue;
  const name = map.sources[i] || '';
  const base = name.split(/[?#]/)[0];
  const ext = (base.match(/\.([^./\\]+)$/) || [, ''])[1].toLowerCase();
  if (!['js', 'mjs', 'cjs', 'jsx', 'es6', '', 'ts', 'mts', 'cts', 'tsx'].includes(ext)) continue;
  const kind = ext === 'jsx' ? ts.ScriptKind.JSX : ext === 'tsx' ? ts.ScriptKind.TSX : ['ts', 'mts', 'cts'].includes(ext) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile('x.' + (ext || 'js'), text, ts.ScriptTarget.Latest, true, kind);
  const out = [];
  const types = [];
  const lc = (pos) => { const p = sf.getLineAndCharacterOfPosition(pos); return [p.line, p.character]; };
  function startOf(node) {
    const cands = [];
    for (const m of node.modifiers || []) if (m.kind !== K.Decorator && m.kind !== K.ExportKeyword && m.kind !== K.DefaultKeyword) cands.push(m.getStart(sf));
    if (node.kind === K.FunctionDeclaration || node.kind === K.FunctionExpression) {
      const kw = node.getChildren(sf).find(c => c.kind === K.FunctionKeyword);
      if (kw) cands.push(kw.getStart(sf));
    } else if (node.kind === K.ArrowFunction) {
      cands.push(node.getStart(sf));
    } else {
      if (node.asteriskToken) cands.push(node.asteriskToken.getStart(sf));
      for (const c of node.getChildren(sf)) if (c.kind === K.GetKeyword || c.kind === K.SetKeyword || c.kind === K.ConstructorKeyword) cands.push(c.getStart(sf));
      if (node.name) cands.push(node.name.getStart(sf));
    }
    return Math.min(...cands);
  }
  const chain = (e) => {
    const parts = [];
    while (true) {
      if (e.kind === K.Identifier || e.kind === K.PrivateIdentifier || e.kind === K.ThisKeyword) { parts.unshift(e.getText(sf)); break; }
      if (e.kind === K.PropertyAccessExpression && (e.name.kind === K.Identifier || e.name.kind === K.PrivateIdentifier)) { parts.unshift(e.name.getText(sf)); e = e.expression; if (parts.length >= 8) break; continue; }
      return parts.length ? parts.join('.') : null;
    }
    return parts.join('.');
  };
  const keyText = (k) => {
    if (!k) return null;
    if (k.kind === K.StringLiteral) return k.getText(sf).slice(1, -1);
    if (k.kind === K.ComputedPropertyName) {
      const t = k.expression.getText(sf);
      return /^[A-Za-z0-9_$.'"]+$/.test(t.replace(/\s/g, '')) && !/\s/.test(t) ? '[' + t + ']' : '<computed>';
    }
    return k.getText(sf);
  };
  const inferFrom = (node) => {
    // `function () {} as T`, `satisfies T`, `!`: the function is still what is assigned.
    while ([K.AsExpression, K.SatisfiesExpression, K.NonNullExpression].includes(node.parent?.kind)) {
      node = node.parent;
    }
    const p = node.parent;
    if (!p) return null;
    if (p.kind === K.VariableDeclaration && p.initializer === node && p.name.kind === K.Identifier) return p.name.text;
    if (p.kind === K.BinaryExpression && p.right === node && [K.EqualsToken, K.BarBarEqualsToken, K.AmpersandAmpersandEqualsToken, K.QuestionQuestionEqualsToken].includes(p.operatorToken.kind)) return chain(p.left);
    if (p.kind === K.PropertyAssignment && p.initializer === node) return keyText(p.name);
    if (p.kind === K.PropertyDeclaration && p.initializer === node) { const c = className(p.parent); const k = keyText(p.name); return c ? c + '.' + k : k; }
    if (p.kind === K.ExportAssignment) return 'default';
    if ((p.kind === K.Parameter || p.kind === K.BindingElement) && p.initializer === node && p.name.kind === K.Identifier) return p.name.text;
    return null;
  };
  const className = (cls) => {
    if (cls.name) return cls.name.text;
    if (cls.kind === K.ClassDeclaration && (cls.modifiers || []).some(m => m.kind === K.DefaultKeyword)) return 'default';
    return inferFrom(cls);
  };
  const nameOf = (node) => {
    switch (node.kind) {
      case K.FunctionDeclaration:
        if (node.name) return node.name.text;
        return (node.modifiers || []).some(m => m.kind === K.DefaultKeyword) ? 'default' : null;
      case K.FunctionExpression:
        return node.name ? node.name.text : inferFrom(node);
      case K.ArrowFunction: return inferFrom(node);
      case K.GetAccessor: return 'get ' + keyText(node.name);
      case K.SetAccessor: return 'set ' + keyText(node.name);
      case K.Constructor: { const c = className(node.parent); return 'new ' + (c || '<anonymous>'); }
      case K.MethodDeclaration: {
        const k = keyText(node.name);
        if (node.parent.kind === K.ObjectLiteralExpression) return k;
        const c = className(node.parent);
        if (!c) return k;
        return node.name.kind === K.ComputedPropertyName && k !== '<computed>' ? c + k : c + '.' + k;
      }
    }
    return null;
  };
  function visit(node) {
    if (node.kind === K.FunctionType || node.kind === K.ConstructorType) types.push([...lc(node.getStart(sf)), ...lc(node.end)]);
    if (kinds.has(node.kind) && node.body) out.push([...lc(startOf(node)), ...lc(node.end), nameOf(node) || '<anonymous>']);
    ts.forEachChild(node, visit);
  }
  visit(sf);
  const errors = sf.parseDiagnostics.length;
  out.sort((a, b) => a[0] - b[0] || a[1] - b[1] || b[2] - a[2] || b[3] - a[3]);
  console.log(JSON.stringify({ source: i, errors, functions: out, types }));
}
