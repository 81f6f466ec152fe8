// TypeScriptToLua plugin: every function in lua-out/ says where its TypeScript is.
//
// A Lua error in a gateway's log names a lua-out file and line ("tollgate/tier_limit/
// decide.lua:57: attempt to index a nil value"). The first line inside each generated
// function is a comment with the TypeScript file and line it was compiled from:
//
//   local function decide(self, facts)
//       -- plugins/tier-limit/decide.ts:41
//
// so an operator reading a traceback goes from the Lua line up to its function's header,
// and from there to the TypeScript. The line is that of the TypeScript function (or of
// the statement tstl wrapped into a function: a try block's pcall, for example).
//
// The comment goes inside the body because only statements carry comments in tstl's Lua
// AST, and a function is often an expression (an argument, a table field). A one-line
// function (`function(x) return x end`) is printed on several lines to make room for it;
// a function with an empty body gets a bare `return`. Neither changes what the code does.
"use strict";
const path = require("node:path");
const ts = require("typescript");
const tstl = require("typescript-to-lua");

/** The path written into comments: relative to the directory of tstl.json, with `/`. */
function displayPath(fileName, options) {
  const base = options.configFilePath !== undefined ? path.dirname(options.configFilePath) : process.cwd();
  return path.relative(base, fileName).split(path.sep).join("/");
}

/** Adds the comment to every function expression under `node`, depth first. */
function annotate(node, file, inheritedLine, seen) {
  if (node === null || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const child of node) annotate(child, file, inheritedLine, seen);
    return;
  }
  const line = typeof node.line === "number" ? node.line + 1 : inheritedLine;
  if (node.kind === tstl.SyntaxKind.FunctionExpression && line !== undefined) {
    const comment = ` ${file}:${line}`;
    // A one-line function has no line of its own inside to carry the comment.
    node.flags &= ~tstl.NodeFlags.Inline;
    const statements = node.body.statements;
    if (statements.length === 0) statements.push(tstl.createReturnStatement([]));
    statements[0].leadingComments = [comment, ...(statements[0].leadingComments ?? [])];
  }
  for (const key of Object.keys(node)) {
    if (key !== "leadingComments" && key !== "trailingComments") annotate(node[key], file, line, seen);
  }
}

/** @type {import("typescript-to-lua").Plugin} */
module.exports = {
  visitors: {
    [ts.SyntaxKind.SourceFile](node, context) {
      const result = context.superTransformNode(node);
      const file = displayPath(node.fileName, context.options);
      annotate(result, file, undefined, new Set());
      return result;
    },
  },
};
module.exports.SOURCE_LINE_COMMENT = /^(\s*)-- (\S+\.ts):(\d+)$/;
