namespace AgentOS.Computer.Code.Drivers;

/// <summary>
/// The program a Python session interpreter runs (<c>python3 -c</c>): it reads length-prefixed JSON requests
/// (<c>"&lt;bytes&gt;\n{...}"</c>) on stdin and answers each with one frame on stdout, keeping one namespace (the
/// <c>__main__</c> module) for the life of the process. A cell is parsed whole; when its last statement is an
/// expression it is compiled in <c>eval</c> mode and its value's <c>repr</c> returned (and bound to <c>_</c>).
/// The user's code sees /dev/null as stdin and two unlinked O_APPEND files as fd 1 and 2, so print(), C extensions
/// and child processes are all captured and cannot corrupt the protocol; each call truncates them first.
/// </summary>
internal static class PythonDriver
{
    public const string Source = """
def _agentos_code_driver():
    import ast, json, linecache, os, sys, tempfile, traceback
    # The protocol keeps the process's real stdin and stdout (length-prefixed JSON frames); the user's code gets
    # /dev/null as stdin and two unlinked files opened O_APPEND as fd 1 and 2, so print(), C extensions and child
    # processes are all captured, and truncating a file between calls resets it.
    proto_in = os.fdopen(os.dup(0), 'rb')
    proto_out = os.fdopen(os.dup(1), 'wb', buffering=0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)

    def capture(target):
        fd, path = tempfile.mkstemp(prefix='agentos-code-')
        os.close(fd)
        fd = os.open(path, os.O_RDWR | os.O_APPEND)
        os.unlink(path)
        os.dup2(fd, target)
        return fd

    out_fd, err_fd = capture(1), capture(2)
    main = sys.modules['__main__']
    ns = main.__dict__
    del ns['_agentos_code_driver']

    def send(obj):
        body = json.dumps(obj).encode()
        proto_out.write(b'%d\n' % len(body) + body)

    def read(fd, cap):
        size = os.fstat(fd).st_size
        data = os.pread(fd, min(size, cap), 0)
        return data.decode('utf-8', 'replace'), size

    def describe(e, tb):
        if isinstance(e, SyntaxError) and tb is None:
            lines = traceback.format_exception_only(type(e), e)
        else:
            lines = traceback.format_exception(type(e), e, tb)
        return {'type': type(e).__name__, 'message': str(e), 'traceback': ''.join(lines)}

    send({'ready': True, 'version': sys.version.split()[0]})
    count = 0
    while True:
        header = proto_in.readline()
        if not header:
            return
        request = json.loads(proto_in.read(int(header)))
        cap = request.get('max_output_bytes', 65536)
        count += 1
        name = '<cell %d>' % count
        code = request['code']
        linecache.cache[name] = (len(code), None, code.splitlines(True), name)
        for fd in (out_fd, err_fd):
            os.ftruncate(fd, 0)
        reply = {'value': None, 'value_type': None, 'error': None}
        try:
            tree = ast.parse(code, name, 'exec')
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            try:
                exec(compile(tree, name, 'exec'), ns)
                value = eval(compile(last, name, 'eval'), ns) if last is not None else None
                if value is not None:
                    ns['_'] = value
                    text = repr(value)
                    reply['value'] = text[:cap]
                    reply['value_truncated'] = len(text) > cap
                    reply['value_type'] = type(value).__name__
            except BaseException as e:
                # The first frame is this driver's exec/eval: the traceback starts at the user's code.
                reply['error'] = describe(e, e.__traceback__.tb_next if e.__traceback__ else None)
        except SyntaxError as e:
            reply['error'] = describe(e, None)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        reply['stdout'], reply['stdout_bytes'] = read(out_fd, cap)
        reply['stderr'], reply['stderr_bytes'] = read(err_fd, cap)
        send(reply)

_agentos_code_driver()
""";
}
