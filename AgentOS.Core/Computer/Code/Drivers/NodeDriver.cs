namespace AgentOS.Computer.Code.Drivers;

/// <summary>
/// The program a Node session interpreter runs (<c>node -e</c>, started by <see cref="Launch"/>): length-prefixed
/// JSON requests on stdin, one reply frame each on fd 3. Cells run with <c>vm.runInThisContext</c>, so the value of
/// the last expression statement is the script's completion value, globals and <c>var</c>/<c>let</c>/<c>const</c>
/// declarations persist between calls (as in the REPL, redeclaring a <c>let</c>/<c>const</c> is an error), and a
/// returned promise is awaited. fd 1 and 2 append to two unlinked files, so console output and child processes are
/// captured and cannot corrupt the protocol.
/// </summary>
internal static class NodeDriver
{
    /// <summary>
    /// The shell line that starts Node (as <c>$0</c>) with the driver (<c>$1</c>): Node cannot dup2, so the shell
    /// points fd 3 at the reply pipe and fd 1 and 2 at two fresh temp files before it execs Node; the driver opens
    /// them for reading and unlinks them. A missing Node is reported on the real stderr, before the redirections.
    /// </summary>
    public const string Launch = """command -v "$0" >/dev/null 2>&1 || { echo "'$0' was not found in the session" >&2; exit 127; }; o=$(mktemp) && e=$(mktemp) && exec "$0" -e "$1" "$o" "$e" 3>&1 1>>"$o" 2>>"$e" """;

    public const string Source = """
'use strict';
// Started as: node -e <this> <stdout file> <stderr file>, with fd 1 and 2 appending to those files and fd 3 the
// protocol's reply pipe (a shell sets the descriptors up: Node cannot dup2). Requests arrive on stdin.
(() => {
  const fs = require('fs');
  const vm = require('vm');
  const util = require('util');
  const path = require('path');
  const { createRequire } = require('module');
  const [outPath, errPath] = process.argv.slice(1);
  const outFd = fs.openSync(outPath, 'r');
  const errFd = fs.openSync(errPath, 'r');
  fs.unlinkSync(outPath);
  fs.unlinkSync(errPath);
  globalThis.require = createRequire(path.join(process.cwd(), '<cell>'));
  globalThis.module = { exports: {} };
  globalThis.exports = globalThis.module.exports;
  globalThis.__filename = path.join(process.cwd(), '<cell>');
  globalThis.__dirname = process.cwd();
  // Errors thrown after a call returned (a timer, a rejected promise nobody awaited) would end the process; they are
  // printed to the captured stderr instead, so the call running then (or the next) reports them.
  process.on('uncaughtException', (e) => process.stderr.write('Uncaught ' + (e && e.stack || String(e)) + '\n'));
  process.on('unhandledRejection', (e) => process.stderr.write('Unhandled rejection ' + (e && e.stack || String(e)) + '\n'));

  const send = (obj) => {
    const body = Buffer.from(JSON.stringify(obj));
    const frame = Buffer.concat([Buffer.from(body.length + '\n'), body]);
    let off = 0;
    while (off < frame.length) off += fs.writeSync(3, frame, off);
  };
  const read = (fd, cap) => {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, cap));
    let got = 0;
    while (got < buf.length) { const n = fs.readSync(fd, buf, got, buf.length - got, got); if (n === 0) break; got += n; }
    return [buf.subarray(0, got).toString('utf8'), size];
  };
  const describe = (e) => {
    if (!(e instanceof Error) && !(e && typeof e === 'object' && 'stack' in e)) {
      return { type: typeof e, message: util.inspect(e), traceback: 'Uncaught ' + util.inspect(e) };
    }
    // Drop the frames below the cell (this driver, node:vm).
    const lines = String(e.stack || e).split('\n');
    const cut = lines.findIndex((l) => /^\s+at .*(node:vm|\[eval\]|evalmachine)/.test(l));
    return { type: e.name || 'Error', message: e.message, traceback: (cut > 0 ? lines.slice(0, cut) : lines).join('\n') };
  };

  let count = 0;
  const run = async (request) => {
    const cap = request.max_output_bytes || 65536;
    fs.ftruncateSync(1, 0);
    fs.ftruncateSync(2, 0);
    const reply = { value: null, value_type: null, error: null };
    try {
      const filename = `<cell ${++count}>`;
      let value = vm.runInThisContext(request.code, { filename, displayErrors: false });
      if (value && typeof value.then === 'function') value = await value;
      if (value !== undefined) {
        globalThis._ = value;
        const text = util.inspect(value, { depth: 4, maxArrayLength: 200, maxStringLength: cap });
        reply.value = text.slice(0, cap);
        reply.value_truncated = text.length > cap;
        reply.value_type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? (value.constructor && value.constructor.name) || 'object' : typeof value;
      }
    } catch (e) {
      reply.error = describe(e);
    }
    [reply.stdout, reply.stdout_bytes] = read(outFd, cap);
    [reply.stderr, reply.stderr_bytes] = read(errFd, cap);
    send(reply);
  };

  let pending = Buffer.alloc(0);
  let chain = Promise.resolve();
  process.stdin.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const nl = pending.indexOf(10);
      if (nl < 0) return;
      const length = Number(pending.subarray(0, nl).toString());
      if (pending.length < nl + 1 + length) return;
      const request = JSON.parse(pending.subarray(nl + 1, nl + 1 + length).toString('utf8'));
      pending = pending.subarray(nl + 1 + length);
      chain = chain.then(() => run(request));
    }
  });
  process.stdin.on('end', () => process.exit(0));
  send({ ready: true, version: process.versions.node });
})();
""";
}
