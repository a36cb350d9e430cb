using AgentOS.Computer.Code;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Code;

/// <summary>code.run's contract in Node, and what only Node does.</summary>
[RequiresNode]
public sealed class NodeCodeToolTests : CodeToolContractTests
{
    protected override string Language => "node";

    protected override CodeToolOptions Options(int maxOutputBytes = 64 * 1024) =>
        new() { MaxOutputBytes = maxOutputBytes, Node = RequiresNodeAttribute.Find()! };

    protected override string DefineStateCode => "const path = require('path');\nvar x = 41;";
    protected override string UseStateCode => "x + path.basename('/a/b').length";
    protected override string PrintThenValueCode => "console.log('hello');\n6 * 7";
    protected override string StatementCode => "var y = 5;";
    protected override string RaiseCode => "function boom() {\n  throw new RangeError('bad input');\n}\nboom()";
    protected override string ErrorType => "RangeError";
    protected override string UndefinedNameError => "ReferenceError";
    protected override string CreateFileCode => "const fs = require('fs');\nfs.mkdirSync('out', { recursive: true });\nfs.writeFileSync('out/data.csv', 'a,b\\n');";
    protected override string ModifyAndDeleteCode => "fs.appendFileSync('out/data.csv', '1,2\\n');\nfs.unlinkSync('gone.txt');";
    protected override string LoopForeverCode => "while (true) {}";
    protected override string BigOutputCode => "console.log('x'.repeat(5000));";
    protected override string ExitCode3 => "process.exit(3)";
    protected override string ChildProcessCode => "require('child_process').execSync('echo from-child; echo warn >&2', { stdio: 'inherit' });\n0";

    [Test]
    public async Task APromiseIsAwaitedAndItsValueReturned()
    {
        await using var f = NewFixture(Options());
        var r = await f.Run(Language, "new Promise((resolve) => setTimeout(() => resolve({ a: [1, 2] }), 10))");
        Assert.Equal("{ a: [ 1, 2 ] }", r.Str("value"));
        Assert.Equal("Object", r.Str("value_type"));
        var rejected = await f.Run(Language, "Promise.reject(new TypeError('no'))");
        Assert.Equal("TypeError", rejected.ErrorType());
    }
}
