// TypeScriptToLua plugin: prints Lua that LuaJIT compiles into whole traces.
//
// Request paths run once per request, entered from C (nginx), and LuaJIT compiles
// them well only if their traces stay whole. Two of tstl's default shapes get in the way:
//
// 1. Concatenation chains. tstl turns `${a}:${b}` and `a + ":" + b` into left-nested
//    concatenations and prints them with parentheses, ((a .. ":") .. b). Lua compiles
//    `a .. ":" .. b` into one concatenation (one new string), but each parenthesised
//    step into its own, interning every intermediate string: 2.5x slower per chain in
//    LuaJIT traces and 3x in the interpreter (an 8-piece counter key, measured).
//    Concatenating strings and numbers is associative and Lua evaluates the operands
//    left to right either way, so the flattened chain means the same; tstl emits `..`
//    only for string operands (it wraps anything else in tostring()).
//
// 2. switch statements. tstl emits `repeat ... until true` so that a case's `break`
//    has a loop to leave. LuaJIT treats it as a loop: a trace that reaches it aborts
//    ("inner loop in root trace"), and after a few aborts the function is blacklisted
//    and runs interpreted on every request. Printed as `do ... end`, with each `break`
//    that left the switch turned into a `goto` to a label just after the block, it is
//    the same control flow without a loop.
"use strict";
const tstl = require("typescript-to-lua");

const CONCAT = tstl.SyntaxKind.ConcatOperator;
/** `..` precedence in Lua; an operand binding less tightly keeps its parentheses. */
const CONCAT_PRECEDENCE = 8;

/** The operands of a concatenation chain, in order, whatever its nesting. */
function concatOperands(expression, into = []) {
  if (tstl.isBinaryExpression(expression) && expression.operator === CONCAT) {
    concatOperands(expression.left, into);
    concatOperands(expression.right, into);
  } else {
    into.push(expression);
  }
  return into;
}

/** tstl's switch emulation: `repeat <body> until true`. */
function isSwitchLoop(statement) {
  const condition = statement.condition;
  return tstl.isBooleanLiteral(condition) && condition.kind === tstl.SyntaxKind.TrueKeyword;
}

class LuaJitPrinter extends tstl.LuaPrinter {
  /** What a `break` leaves, innermost last: a switch's end label, or null for a real loop. */
  breakTargets = [];
  switchCount = 0;

  printBinaryExpression(expression) {
    if (expression.operator !== CONCAT) return super.printBinaryExpression(expression);
    const chunks = [];
    concatOperands(expression).forEach((operand, index) => {
      if (index > 0) chunks.push(" .. ");
      chunks.push(this.printExpressionInParenthesesIfNeeded(operand, CONCAT_PRECEDENCE + 1));
    });
    return this.createSourceNode(expression, chunks);
  }

  printRepeatStatement(statement) {
    if (!isSwitchLoop(statement)) return this.insideLoop(() => super.printRepeatStatement(statement));
    const target = { label: `____switch_end_${++this.switchCount}`, used: false };
    this.breakTargets.push(target);
    try {
      const block = this.printDoStatement(tstl.createDoStatement(statement.body.statements));
      if (!target.used) return block;
      return this.concatNodes(block, "\n", this.indent(`::${target.label}::`));
    } finally {
      this.breakTargets.pop();
    }
  }

  printBreakStatement(statement) {
    const target = this.breakTargets[this.breakTargets.length - 1];
    if (target === undefined || target === null) return super.printBreakStatement(statement);
    target.used = true;
    return this.createSourceNode(statement, this.indent(`goto ${target.label}`));
  }

  printWhileStatement(statement) {
    return this.insideLoop(() => super.printWhileStatement(statement));
  }

  printForStatement(statement) {
    return this.insideLoop(() => super.printForStatement(statement));
  }

  printForInStatement(statement) {
    return this.insideLoop(() => super.printForInStatement(statement));
  }

  insideLoop(print) {
    this.breakTargets.push(null);
    try {
      return print();
    } finally {
      this.breakTargets.pop();
    }
  }
}

/** @type {import("typescript-to-lua").Plugin} */
module.exports = {
  printer: (program, emitHost, fileName, file) => new LuaJitPrinter(emitHost, program, fileName).print(file),
};
module.exports.concatOperands = concatOperands;
